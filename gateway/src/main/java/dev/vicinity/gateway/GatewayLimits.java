package dev.vicinity.gateway;

import dev.vicinity.core.RateLimit;
import dev.vicinity.core.internal.Checks;
import java.util.Objects;

/**
 * Limits the gateway enforces. Built with {@link #builder()} ({@code GatewayLimits.builder()
 * .frameRate(RateLimit.perSecond(50, 100)).maxConnectionsPerUser(3).build()}); every setting not given
 * keeps its default, and {@link #defaults()} is all defaults. Immutable and thread-safe; equal when
 * every setting is equal.
 *
 * <ul>
 *   <li>{@link #maxFrameBytes()}: largest accepted inbound text frame in UTF-8 bytes (default 16 KiB,
 *       at least 256);</li>
 *   <li>{@link #frameRate()}: inbound frames per user on this node (default 20 per second, bursts of
 *       40);</li>
 *   <li>{@link #maxConnectionsPerUser()}: live connections per user across all nodes (default 5);</li>
 *   <li>{@link #maxOutboundInFlight()}: frames sent to one connection and not yet written before it is
 *       detached as a slow consumer (default 256);</li>
 *   <li>{@link #maxStrikes()}: consecutive malformed or over-limit frames before the connection is
 *       closed with {@code protocol_violation} (default 20);</li>
 *   <li>{@link #maxOutboundBytes()}: UTF-8 bytes sent to one connection and not yet written before it
 *       is detached as a slow consumer (default 1 MiB, at least 64 KiB); a single frame larger than
 *       this is never queued;</li>
 *   <li>{@link #maxNodeOutboundBytes()}: the same bound over all connections of this node (default
 *       256 MiB, at least {@code maxOutboundBytes}): when the node's total is exceeded, the connection
 *       whose frame would cross it is detached.</li>
 * </ul>
 */
public final class GatewayLimits {
    private static final GatewayLimits DEFAULTS = new Builder().build();

    private final int maxFrameBytes;
    private final RateLimit frameRate;
    private final int maxConnectionsPerUser;
    private final int maxOutboundInFlight;
    private final int maxStrikes;
    private final long maxOutboundBytes;
    private final long maxNodeOutboundBytes;

    private GatewayLimits(Builder b) {
        this.maxFrameBytes = b.maxFrameBytes;
        this.frameRate = b.frameRate;
        this.maxConnectionsPerUser = b.maxConnectionsPerUser;
        this.maxOutboundInFlight = b.maxOutboundInFlight;
        this.maxStrikes = b.maxStrikes;
        this.maxOutboundBytes = b.maxOutboundBytes;
        this.maxNodeOutboundBytes = b.maxNodeOutboundBytes;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every limit at its default (listed on the class). */
    public static GatewayLimits defaults() {
        return DEFAULTS;
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Largest accepted inbound text frame, in UTF-8 bytes. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Inbound frames per user on this node. */
    public RateLimit frameRate() {
        return frameRate;
    }

    /** Sustained inbound frames per second per user ({@code frameRate().perSecond()}). */
    public double framesPerSecond() {
        return frameRate.perSecond();
    }

    /** Burst of inbound frames per user ({@code frameRate().burst()}). */
    public int frameBurst() {
        return frameRate.burst();
    }

    /** Live connections per user across all nodes. */
    public int maxConnectionsPerUser() {
        return maxConnectionsPerUser;
    }

    /** Unwritten frames per connection before it is detached as a slow consumer. */
    public int maxOutboundInFlight() {
        return maxOutboundInFlight;
    }

    /** Consecutive bad frames before the connection is closed with {@code protocol_violation}. */
    public int maxStrikes() {
        return maxStrikes;
    }

    /** Unwritten UTF-8 bytes per connection before it is detached as a slow consumer. */
    public long maxOutboundBytes() {
        return maxOutboundBytes;
    }

    /** Unwritten UTF-8 bytes over all connections of this node. */
    public long maxNodeOutboundBytes() {
        return maxNodeOutboundBytes;
    }

    /** A copy with another {@link #maxFrameBytes()} (convenience for {@code toBuilder()...build()}). */
    public GatewayLimits withMaxFrameBytes(int v) {
        return toBuilder().maxFrameBytes(v).build();
    }

    /** A copy with another {@link #frameRate()} (convenience for {@code toBuilder()...build()}). */
    public GatewayLimits withFrameRate(double perSecond, int burst) {
        return toBuilder().frameRate(RateLimit.perSecond(perSecond, burst)).build();
    }

    /** A copy with another {@link #maxConnectionsPerUser()} (convenience for {@code toBuilder()...build()}). */
    public GatewayLimits withMaxConnectionsPerUser(int v) {
        return toBuilder().maxConnectionsPerUser(v).build();
    }

    /** A copy with another {@link #maxOutboundInFlight()} (convenience for {@code toBuilder()...build()}). */
    public GatewayLimits withMaxOutboundInFlight(int v) {
        return toBuilder().maxOutboundInFlight(v).build();
    }

    /** A copy with another {@link #maxStrikes()} (convenience for {@code toBuilder()...build()}). */
    public GatewayLimits withMaxStrikes(int v) {
        return toBuilder().maxStrikes(v).build();
    }

    /** A copy with other per-connection and per-node bounds of unwritten outbound bytes. */
    public GatewayLimits withMaxOutboundBytes(long perConnection, long perNode) {
        return toBuilder().maxOutboundBytes(perConnection).maxNodeOutboundBytes(perNode).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GatewayLimits l && maxFrameBytes == l.maxFrameBytes && frameRate.equals(l.frameRate)
                && maxConnectionsPerUser == l.maxConnectionsPerUser && maxOutboundInFlight == l.maxOutboundInFlight
                && maxStrikes == l.maxStrikes && maxOutboundBytes == l.maxOutboundBytes
                && maxNodeOutboundBytes == l.maxNodeOutboundBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxFrameBytes, frameRate, maxConnectionsPerUser, maxOutboundInFlight, maxStrikes,
                maxOutboundBytes, maxNodeOutboundBytes);
    }

    @Override
    public String toString() {
        return "GatewayLimits[maxFrameBytes=" + maxFrameBytes + ", frameRate=" + frameRate
                + ", maxConnectionsPerUser=" + maxConnectionsPerUser + ", maxOutboundInFlight=" + maxOutboundInFlight
                + ", maxStrikes=" + maxStrikes + ", maxOutboundBytes=" + maxOutboundBytes
                + ", maxNodeOutboundBytes=" + maxNodeOutboundBytes + "]";
    }

    /**
     * Options for {@link GatewayLimits}, starting from the defaults. Each setter checks its own range
     * ({@link IllegalArgumentException} naming the setting, the range and the value; a null value is a
     * {@link NullPointerException}); {@link #build()} checks the one cross-setting rule. Not thread-safe.
     */
    public static final class Builder {
        private int maxFrameBytes = 16 * 1024;
        private RateLimit frameRate = RateLimit.perSecond(20, 40);
        private int maxConnectionsPerUser = 5;
        private int maxOutboundInFlight = 256;
        private int maxStrikes = 20;
        private long maxOutboundBytes = 1024 * 1024;
        private long maxNodeOutboundBytes = 256L * 1024 * 1024;

        private Builder() {}

        private Builder(GatewayLimits l) {
            this.maxFrameBytes = l.maxFrameBytes;
            this.frameRate = l.frameRate;
            this.maxConnectionsPerUser = l.maxConnectionsPerUser;
            this.maxOutboundInFlight = l.maxOutboundInFlight;
            this.maxStrikes = l.maxStrikes;
            this.maxOutboundBytes = l.maxOutboundBytes;
            this.maxNodeOutboundBytes = l.maxNodeOutboundBytes;
        }

        /** Largest accepted inbound text frame in UTF-8 bytes, at least 256 (default 16 KiB). */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = Checks.atLeast("maxFrameBytes", bytes, 256);
            return this;
        }

        /** Inbound frames per user on this node (default 20 per second, bursts of 40). */
        public Builder frameRate(RateLimit rate) {
            this.frameRate = Checks.notNull("frameRate", rate);
            return this;
        }

        /** Live connections per user across all nodes, at least 1 (default 5). */
        public Builder maxConnectionsPerUser(int max) {
            this.maxConnectionsPerUser = Checks.atLeast("maxConnectionsPerUser", max, 1);
            return this;
        }

        /** Unwritten frames per connection before it is detached as a slow consumer, at least 1 (default 256). */
        public Builder maxOutboundInFlight(int frames) {
            this.maxOutboundInFlight = Checks.atLeast("maxOutboundInFlight", frames, 1);
            return this;
        }

        /** Consecutive bad frames before the connection is closed, at least 1 (default 20). */
        public Builder maxStrikes(int strikes) {
            this.maxStrikes = Checks.atLeast("maxStrikes", strikes, 1);
            return this;
        }

        /** Unwritten UTF-8 bytes per connection, at least 64 KiB (default 1 MiB). */
        public Builder maxOutboundBytes(long bytes) {
            this.maxOutboundBytes = Checks.atLeast("maxOutboundBytes", bytes, 64L * 1024);
            return this;
        }

        /** Unwritten UTF-8 bytes over all connections of this node, at least maxOutboundBytes (default 256 MiB). */
        public Builder maxNodeOutboundBytes(long bytes) {
            this.maxNodeOutboundBytes = Checks.atLeast("maxNodeOutboundBytes", bytes, 64L * 1024);
            return this;
        }

        /** @throws IllegalArgumentException if {@code maxNodeOutboundBytes < maxOutboundBytes} */
        public GatewayLimits build() {
            Checks.check(maxNodeOutboundBytes >= maxOutboundBytes, "maxNodeOutboundBytes must be >= maxOutboundBytes ("
                    + maxOutboundBytes + "), got " + maxNodeOutboundBytes);
            return new GatewayLimits(this);
        }
    }
}
