package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.core.spi.ResumeStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol engine between a host's WebSocket server and Vicinity. The host makes one gateway per
 * node, calls {@link #open} for every new socket and hands it every text frame ({@link #onText}), the
 * close ({@link #onClosed}) and transport errors ({@link #onTransportError}); it calls {@link #tick()}
 * once per second. The gateway does the rest: the {@code hello} handshake through the host's
 * {@link Authenticator} or {@link ContextAuthenticator} (before a deadline; the answer may come
 * asynchronously), the connection state machine and presence through its
 * {@link ConnectionRegistry}, heartbeats, resume on any node, limits, routing request frames to the
 * {@link FrameModule}s of geo, chat and rating, and error replies.
 *
 * <p>Guarantees: nothing thrown ever escapes {@code onText}, {@code onClosed} or
 * {@code onTransportError}; every request frame gets exactly one {@code ok} or {@code error} reply
 * carrying its {@code id} as {@code re} (unless the connection is closed first); a frame that cannot
 * be parsed gets an {@code error} with {@code re: null}; malformed or over-limit frames count as
 * strikes and {@link GatewayLimits#maxStrikes()} consecutive strikes close the connection with
 * {@code protocol_violation}; a connection whose outbound backlog exceeds
 * {@link GatewayLimits#maxOutboundInFlight()} is detached with {@code slow_consumer} (resumable)
 * instead of buffering without bound; a {@code hello} or {@code resume} that fails on a backend
 * leaves the connection as it was, so the client may retry on the same socket. Frames of one
 * connection must be delivered by the host one at a time (WebSocket servers do); different
 * connections are processed in parallel. Thread-safe.
 *
 * <p>This class is the facade; the work is done by package-private parts: the frame codec, the
 * dispatcher, the handshake, the local connection indexes and the outbound sender. The protocol is
 * documented in {@code docs/protocol.md}.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** The protocol version this gateway speaks. */
    public static final int PROTOCOL_VERSION = 1;

    private final ConnectionRegistry registry;
    private final GatewayLimits limits;
    private final FrameCodec codec;
    private final FrameModules modules;
    private final FrameBudget budget;
    private final LocalConnections local;
    private final Outbound out;
    private final FrameDispatcher dispatcher;

    private Gateway(Builder b, Duration heartbeatInterval) {
        PresenceService presence = b.presence;
        Clock clock = b.clock != null ? b.clock : presence.clock();
        this.limits = b.limits;
        this.modules = new FrameModules(b.modules); // refuses clashing frame types before anything is wired
        this.registry = ConnectionRegistry.builder(presence, b.resumeStore).clock(clock).listener(b.listener)
                .authTimeout(b.authTimeout).resumeWindow(b.resumeWindow)
                .heartbeatTimeout(heartbeatInterval.multipliedBy(3)).build();
        this.codec = new FrameCodec(limits.maxFrameBytes());
        this.budget = new FrameBudget(limits.frameRate(), clock);
        this.local = new LocalConnections(registry, modules, b.maxConnectionsPerAddress);
        this.out = new Outbound(codec, limits, registry);
        RateLimitStore connectLimits = b.rateLimitStore != null ? b.rateLimitStore : new LocalRateLimitStore();
        Handshake handshake = new Handshake(registry, presence, b.authenticator, limits, connectLimits, b.connectRate,
                clock, budget, modules, local, out, b.authTimeout, b.resumeWindow, heartbeatInterval);
        this.dispatcher = new FrameDispatcher(registry, budget, handshake, modules, out);
        modules.start(this);
    }

    /**
     * Starts a builder. {@code presence} is this node's presence service, {@code resumeStore} is shared
     * by all nodes (so resume works on any of them), {@code authenticator} is the host's callback in its
     * simple {@code (token, device)} form ({@link ContextAuthenticator#of}).
     */
    public static Builder builder(PresenceService presence, ResumeStore resumeStore, Authenticator authenticator) {
        return new Builder(presence, resumeStore,
                ContextAuthenticator.of(Checks.notNull("authenticator", authenticator)));
    }

    /**
     * Starts a builder with an authenticator that sees the upgrade request (headers, cookies, remote
     * address, the host's principal) and may answer asynchronously or with a refusal reason.
     */
    public static Builder builder(PresenceService presence, ResumeStore resumeStore,
            ContextAuthenticator authenticator) {
        return new Builder(presence, resumeStore, authenticator);
    }

    /** The connection registry this gateway drives (for metrics and administration). */
    public ConnectionRegistry connections() {
        return registry;
    }

    /** The JSON mapper used for every frame. */
    public ObjectMapper mapper() {
        return codec.mapper();
    }

    /** The limits in force. */
    public GatewayLimits limits() {
        return limits;
    }

    /** Attached connections of {@code user} on this node (for modules delivering pushes); a snapshot. */
    public Collection<GatewayConnection> localConnections(UserId user) {
        return local.of(user);
    }

    /** The attached connection with this id on this node, if any. */
    public Optional<GatewayConnection> connection(ConnectionId id) {
        return local.attached(id);
    }

    /** Sockets this gateway holds per remote address (for metrics; 0 when no cap is set). */
    public int connectionsFrom(String address) {
        return local.connectionsFrom(address);
    }

    /** Bytes (upper bound) handed to transports of this node and not yet written. */
    public long outboundBytes() {
        return out.outboundBytes();
    }

    // ------------------------------------------------------------------ host callbacks

    /**
     * A new WebSocket was accepted, with no upgrade context ({@link UpgradeRequest#empty()}). The
     * client must send {@code hello} or {@code resume} before the auth deadline.
     */
    public GatewayConnection open(Transport transport) {
        return open(transport, UpgradeRequest.empty());
    }

    /**
     * A new WebSocket was accepted after the HTTP upgrade {@code upgrade} (its headers, cookies, the
     * client's address, the host's principal), which the {@link ContextAuthenticator} receives with
     * the client's {@code hello}. The client must send {@code hello} or {@code resume} before the auth
     * deadline. The gateway keeps {@code upgrade} as long as the connection.
     */
    public GatewayConnection open(Transport transport, UpgradeRequest upgrade) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(upgrade, "upgrade");
        GatewayConnection c = new GatewayConnection(out, transport, budget.newConnectionBucket(), upgrade);
        local.open(c);
        return c;
    }

    /** One inbound text frame. Never throws. */
    public void onText(GatewayConnection c, String text) {
        try {
            if (!c.isClosed()) {
                codec.decode(c, text, dispatcher);
            }
        } catch (RuntimeException | StackOverflowError e) {
            LOG.error("gateway failed on a frame of {}", c, e);
            try {
                out.error(c, null, GatewayErrorCodes.INTERNAL_ERROR, "internal error");
            } catch (RuntimeException ignored) {
                // The connection is unusable; the transport will be closed by its host.
            }
        }
        try {
            out.detachSlowConsumers(); // the frame's pushes may have found some; no lock is held here
        } catch (RuntimeException e) {
            LOG.warn("detaching slow consumers failed", e);
        }
    }

    /** An inbound binary frame: not part of the protocol; answered with an error. Never throws. */
    public void onBinary(GatewayConnection c) {
        try {
            out.strike(c, null, GatewayErrorCodes.BINARY_NOT_SUPPORTED, "binary frames are not supported");
        } catch (RuntimeException e) {
            LOG.error("gateway failed on a binary frame of {}", c, e);
        }
    }

    /**
     * The WebSocket closed. Status 1000 (normal closure) is a clean close, never resumable; anything
     * else (1001, 1006, network loss...) detaches the connection so the client can resume. Never throws.
     */
    public void onClosed(GatewayConnection c, int status, String reason) {
        local.releaseAddress(c);
        try {
            ConnectionId id = c.connection();
            if (status == 1000) {
                registry.close(id, CloseCode.NORMAL);
            } else if (c.principal() != null) {
                registry.detach(id, CloseCode.TRANSPORT_LOST);
            } else {
                registry.close(id, CloseCode.NORMAL);
            }
        } catch (RuntimeException e) {
            LOG.warn("gateway failed handling the close of {}", c, e);
        }
    }

    /** The transport failed (I/O error). Detaches the connection (resumable). Never throws. */
    public void onTransportError(GatewayConnection c, Throwable error) {
        LOG.debug("transport error on {}", c, error);
        onClosed(c, 1006, "transport error");
    }

    /** A WebSocket-level pong (or any liveness signal) from the client: renews its presence lease. */
    public void onHeartbeat(GatewayConnection c) {
        try {
            if (c.isAttached()) {
                registry.heartbeat(c.connection());
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat of {} failed", c, e);
        }
    }

    /** Periodic maintenance (auth deadlines, heartbeat timeouts, resume windows, presence); call once per second. */
    public void tick() {
        out.detachSlowConsumers(); // found by pushes from other threads (a bus, a delivery executor)
        registry.tick();
        budget.purge();
    }

    /** Detaches every connection (they may resume on another node), then stops every module. */
    @Override
    public void close() {
        registry.close();
        modules.stop();
    }

    /**
     * Options for {@link Gateway}. A setter refuses a value out of range at once
     * ({@link IllegalArgumentException} naming the setting, the range and the value; null is a
     * {@link NullPointerException}); {@link #build()} checks what depends on the presence service.
     * Not thread-safe.
     */
    public static final class Builder {
        private final PresenceService presence;
        private final ResumeStore resumeStore;
        private final ContextAuthenticator authenticator;
        private final List<FrameModule> modules = new ArrayList<>();
        private GatewayLimits limits = GatewayLimits.defaults();
        private @Nullable Clock clock;
        private VicinityListener listener = VicinityListener.NO_OP;
        private Duration authTimeout = Duration.ofSeconds(10);
        private Duration resumeWindow = Duration.ofMinutes(2);
        private @Nullable Duration heartbeatInterval;
        private @Nullable RateLimitStore rateLimitStore;
        private RateLimit connectRate = RateLimit.perMinute(30, 10);
        private int maxConnectionsPerAddress;

        private Builder(PresenceService presence, ResumeStore resumeStore, ContextAuthenticator authenticator) {
            this.presence = Checks.notNull("presence", presence);
            this.resumeStore = Checks.notNull("resumeStore", resumeStore);
            this.authenticator = Checks.notNull("authenticator", authenticator);
        }

        /** Adds a module's frame handlers and lifecycle hooks (geo, chat, rating...). */
        public Builder module(FrameModule module) {
            modules.add(Checks.notNull("module", module));
            return this;
        }

        /** Limits (default {@link GatewayLimits#defaults()}); see {@link GatewayLimits#builder()}. */
        public Builder limits(GatewayLimits limits) {
            this.limits = Checks.notNull("limits", limits);
            return this;
        }

        /** Clock (default: the presence service's). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** Listener for connection events (default no-op). */
        public Builder listener(VicinityListener listener) {
            this.listener = Checks.notNull("listener", listener);
            return this;
        }

        /**
         * Where per-user connect limits are counted (default: a local store, so per node); give every
         * node the same distributed store (e.g. {@code RedisRateLimitStore}) to make them cluster-wide.
         */
        public Builder rateLimitStore(RateLimitStore store) {
            this.rateLimitStore = Checks.notNull("rateLimitStore", store);
            return this;
        }

        /**
         * Successful {@code hello}s per user: {@code perMinute} sustained, {@code burst} at once
         * (default 30 and 10); beyond that {@code hello} is refused with {@code rate_limited}.
         */
        public Builder connectRate(int perMinute, int burst) {
            Checks.atLeast("connectRate perMinute", perMinute, 1);
            Checks.atLeast("connectRate burst", burst, 1);
            return connectRate(RateLimit.perMinute(perMinute, burst));
        }

        /** Successful {@code hello}s per user (default 30 per minute, bursts of 10); see {@link #connectRate(int, int)}. */
        public Builder connectRate(RateLimit rate) {
            this.connectRate = Checks.notNull("connectRate", rate);
            return this;
        }

        /**
         * Sockets this gateway accepts per remote address ({@link Transport#remoteAddress()}); the one
         * beyond the cap is closed at once with 4204 {@code policy_violation}. Default 0: no cap (behind
         * a proxy every client may share one address; the proxy should cap then).
         */
        public Builder maxConnectionsPerAddress(int max) {
            this.maxConnectionsPerAddress = Checks.atLeast("maxConnectionsPerAddress", max, 0);
            return this;
        }

        /** Deadline for {@code hello}/{@code resume} after the socket opens, positive (default 10 s). */
        public Builder authTimeout(Duration timeout) {
            this.authTimeout = Checks.positive("authTimeout", timeout);
            return this;
        }

        /** How long a lost connection stays resumable, positive (default 2 min). */
        public Builder resumeWindow(Duration window) {
            this.resumeWindow = Checks.positive("resumeWindow", window);
            return this;
        }

        /**
         * How often clients should ping, announced in {@code welcome} and {@code resumed} in whole
         * seconds; a connection silent for three intervals is detached with {@code heartbeat_timeout}.
         * Default: 15 s, or a third of the presence lease TTL when that is shorter (at least 1 s). An
         * explicit interval must be whole seconds, at least 1 s and at most a third of the lease TTL
         * ({@link #build()} refuses it otherwise).
         */
        public Builder heartbeatInterval(Duration interval) {
            Checks.check(interval != null && interval.compareTo(Duration.ofSeconds(1)) >= 0 && interval.getNano() == 0,
                    "heartbeatInterval must be whole seconds and at least 1 s, got " + interval);
            this.heartbeatInterval = interval;
            return this;
        }

        /**
         * @throws IllegalArgumentException if the heartbeat interval exceeds a third of the presence
         *     lease TTL, or on clashing frame types
         */
        public Gateway build() {
            Duration maxHeartbeat = presence.leaseTtl().dividedBy(3);
            Duration heartbeat = heartbeatInterval;
            if (heartbeat == null) {
                heartbeat = Duration.ofSeconds(Math.max(1, Math.min(15, maxHeartbeat.toSeconds())));
            } else {
                Checks.check(heartbeat.compareTo(maxHeartbeat) <= 0, "heartbeatInterval " + heartbeat
                        + " exceeds a third of the presence lease TTL " + presence.leaseTtl()
                        + "; clients pinging that slowly would lose presence between pings");
            }
            return new Gateway(this, heartbeat);
        }
    }
}
