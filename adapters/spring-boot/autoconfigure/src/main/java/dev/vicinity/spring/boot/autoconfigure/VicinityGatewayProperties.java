package dev.vicinity.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The {@code vicinity.gateway.*} properties: the protocol engine's deadlines, heartbeats and limits (mapped
 * onto {@code Gateway.Builder} and {@code GatewayLimits}). Unset values keep the library's defaults. Not
 * thread-safe (bound once at startup).
 */
public class VicinityGatewayProperties {
    /** Deadline for hello/resume after the socket opens. Library default: 10s. */
    private java.time.@Nullable Duration authTimeout;

    /** How long a lost connection stays resumable. Library default: 2m. */
    private java.time.@Nullable Duration resumeWindow;

    /** Heartbeat interval announced to clients, whole seconds, at most a third of the presence lease TTL. Library default: 15s (or a third of the lease TTL). */
    private java.time.@Nullable Duration heartbeatInterval;

    /** Successful hellos per user per minute; set together with connect-burst. Library default: 30. */
    private @Nullable Integer connectsPerMinute;

    /** Successful hellos per user at once; set together with connects-per-minute. Library default: 10. */
    private @Nullable Integer connectBurst;

    /** Sockets accepted per remote address, 0 for no cap. Library default: 0. */
    private @Nullable Integer maxConnectionsPerAddress;

    /** Largest inbound text frame in UTF-8 bytes, at least 256. Library default: 16384. */
    private @Nullable Integer maxFrameBytes;

    /** Inbound frames per user per second on this node; set together with frame-burst. Library default: 20. */
    private @Nullable Double framesPerSecond;

    /** Inbound frames per user at once; set together with frames-per-second. Library default: 40. */
    private @Nullable Integer frameBurst;

    /** Live connections per user across all nodes. Library default: 5. */
    private @Nullable Integer maxConnectionsPerUser;

    /** Frames not yet written to one connection before it is detached as a slow consumer. Library default: 256. */
    private @Nullable Integer maxOutboundInFlight;

    /** Consecutive malformed or over-limit frames before protocol_violation. Library default: 20. */
    private @Nullable Integer maxStrikes;

    /** Bytes not yet written to one connection before it is detached, at least 65536. Library default: 1048576. */
    private @Nullable Long maxOutboundBytes;

    /** Bytes not yet written over all connections of this node, at least max-outbound-bytes. Library default: 268435456. */
    private @Nullable Long maxNodeOutboundBytes;

    /** {@code vicinity.gateway.auth-timeout}: Deadline for hello/resume after the socket opens. Library default: 10s. */
    public java.time.@Nullable Duration getAuthTimeout() {
        return authTimeout;
    }

    /** Sets {@code vicinity.gateway.auth-timeout}; null keeps the default. */
    public void setAuthTimeout(java.time.@Nullable Duration authTimeout) {
        this.authTimeout = authTimeout;
    }

    /** {@code vicinity.gateway.resume-window}: How long a lost connection stays resumable. Library default: 2m. */
    public java.time.@Nullable Duration getResumeWindow() {
        return resumeWindow;
    }

    /** Sets {@code vicinity.gateway.resume-window}; null keeps the default. */
    public void setResumeWindow(java.time.@Nullable Duration resumeWindow) {
        this.resumeWindow = resumeWindow;
    }

    /** {@code vicinity.gateway.heartbeat-interval}: Heartbeat interval announced to clients, whole seconds, at most a third of the presence lease TTL. Library default: 15s (or a third of the lease TTL). */
    public java.time.@Nullable Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    /** Sets {@code vicinity.gateway.heartbeat-interval}; null keeps the default. */
    public void setHeartbeatInterval(java.time.@Nullable Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /** {@code vicinity.gateway.connects-per-minute}: Successful hellos per user per minute; set together with connect-burst. Library default: 30. */
    public @Nullable Integer getConnectsPerMinute() {
        return connectsPerMinute;
    }

    /** Sets {@code vicinity.gateway.connects-per-minute}; null keeps the default. */
    public void setConnectsPerMinute(@Nullable Integer connectsPerMinute) {
        this.connectsPerMinute = connectsPerMinute;
    }

    /** {@code vicinity.gateway.connect-burst}: Successful hellos per user at once; set together with connects-per-minute. Library default: 10. */
    public @Nullable Integer getConnectBurst() {
        return connectBurst;
    }

    /** Sets {@code vicinity.gateway.connect-burst}; null keeps the default. */
    public void setConnectBurst(@Nullable Integer connectBurst) {
        this.connectBurst = connectBurst;
    }

    /** {@code vicinity.gateway.max-connections-per-address}: Sockets accepted per remote address, 0 for no cap. Library default: 0. */
    public @Nullable Integer getMaxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** Sets {@code vicinity.gateway.max-connections-per-address}; null keeps the default. */
    public void setMaxConnectionsPerAddress(@Nullable Integer maxConnectionsPerAddress) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    /** {@code vicinity.gateway.max-frame-bytes}: Largest inbound text frame in UTF-8 bytes, at least 256. Library default: 16384. */
    public @Nullable Integer getMaxFrameBytes() {
        return maxFrameBytes;
    }

    /** Sets {@code vicinity.gateway.max-frame-bytes}; null keeps the default. */
    public void setMaxFrameBytes(@Nullable Integer maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** {@code vicinity.gateway.frames-per-second}: Inbound frames per user per second on this node; set together with frame-burst. Library default: 20. */
    public @Nullable Double getFramesPerSecond() {
        return framesPerSecond;
    }

    /** Sets {@code vicinity.gateway.frames-per-second}; null keeps the default. */
    public void setFramesPerSecond(@Nullable Double framesPerSecond) {
        this.framesPerSecond = framesPerSecond;
    }

    /** {@code vicinity.gateway.frame-burst}: Inbound frames per user at once; set together with frames-per-second. Library default: 40. */
    public @Nullable Integer getFrameBurst() {
        return frameBurst;
    }

    /** Sets {@code vicinity.gateway.frame-burst}; null keeps the default. */
    public void setFrameBurst(@Nullable Integer frameBurst) {
        this.frameBurst = frameBurst;
    }

    /** {@code vicinity.gateway.max-connections-per-user}: Live connections per user across all nodes. Library default: 5. */
    public @Nullable Integer getMaxConnectionsPerUser() {
        return maxConnectionsPerUser;
    }

    /** Sets {@code vicinity.gateway.max-connections-per-user}; null keeps the default. */
    public void setMaxConnectionsPerUser(@Nullable Integer maxConnectionsPerUser) {
        this.maxConnectionsPerUser = maxConnectionsPerUser;
    }

    /** {@code vicinity.gateway.max-outbound-in-flight}: Frames not yet written to one connection before it is detached as a slow consumer. Library default: 256. */
    public @Nullable Integer getMaxOutboundInFlight() {
        return maxOutboundInFlight;
    }

    /** Sets {@code vicinity.gateway.max-outbound-in-flight}; null keeps the default. */
    public void setMaxOutboundInFlight(@Nullable Integer maxOutboundInFlight) {
        this.maxOutboundInFlight = maxOutboundInFlight;
    }

    /** {@code vicinity.gateway.max-strikes}: Consecutive malformed or over-limit frames before protocol_violation. Library default: 20. */
    public @Nullable Integer getMaxStrikes() {
        return maxStrikes;
    }

    /** Sets {@code vicinity.gateway.max-strikes}; null keeps the default. */
    public void setMaxStrikes(@Nullable Integer maxStrikes) {
        this.maxStrikes = maxStrikes;
    }

    /** {@code vicinity.gateway.max-outbound-bytes}: Bytes not yet written to one connection before it is detached, at least 65536. Library default: 1048576. */
    public @Nullable Long getMaxOutboundBytes() {
        return maxOutboundBytes;
    }

    /** Sets {@code vicinity.gateway.max-outbound-bytes}; null keeps the default. */
    public void setMaxOutboundBytes(@Nullable Long maxOutboundBytes) {
        this.maxOutboundBytes = maxOutboundBytes;
    }

    /** {@code vicinity.gateway.max-node-outbound-bytes}: Bytes not yet written over all connections of this node, at least max-outbound-bytes. Library default: 268435456. */
    public @Nullable Long getMaxNodeOutboundBytes() {
        return maxNodeOutboundBytes;
    }

    /** Sets {@code vicinity.gateway.max-node-outbound-bytes}; null keeps the default. */
    public void setMaxNodeOutboundBytes(@Nullable Long maxNodeOutboundBytes) {
        this.maxNodeOutboundBytes = maxNodeOutboundBytes;
    }
}
