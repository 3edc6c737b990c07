package dev.vicinity.spring.boot.autoconfigure;

/**
 * The {@code vicinity.gateway.*} properties: the protocol engine's deadlines, heartbeats and limits (mapped
 * onto {@code Gateway.Builder} and {@code GatewayLimits}). Unset values keep the library's defaults. Not
 * thread-safe (bound once at startup).
 */
public class VicinityGatewayProperties {
    /** Deadline for hello/resume after the socket opens. Library default: 10s. */
    private java.time.Duration authTimeout;

    /** How long a lost connection stays resumable. Library default: 2m. */
    private java.time.Duration resumeWindow;

    /** Heartbeat interval announced to clients, whole seconds, at most a third of the presence lease TTL. Library default: 15s (or a third of the lease TTL). */
    private java.time.Duration heartbeatInterval;

    /** Successful hellos per user per minute; set together with connect-burst. Library default: 30. */
    private Integer connectsPerMinute;

    /** Successful hellos per user at once; set together with connects-per-minute. Library default: 10. */
    private Integer connectBurst;

    /** Sockets accepted per remote address, 0 for no cap. Library default: 0. */
    private Integer maxConnectionsPerAddress;

    /** Largest inbound text frame in UTF-8 bytes, at least 256. Library default: 16384. */
    private Integer maxFrameBytes;

    /** Inbound frames per user per second on this node; set together with frame-burst. Library default: 20. */
    private Double framesPerSecond;

    /** Inbound frames per user at once; set together with frames-per-second. Library default: 40. */
    private Integer frameBurst;

    /** Live connections per user across all nodes. Library default: 5. */
    private Integer maxConnectionsPerUser;

    /** Frames not yet written to one connection before it is detached as a slow consumer. Library default: 256. */
    private Integer maxOutboundInFlight;

    /** Consecutive malformed or over-limit frames before protocol_violation. Library default: 20. */
    private Integer maxStrikes;

    /** Bytes not yet written to one connection before it is detached, at least 65536. Library default: 1048576. */
    private Long maxOutboundBytes;

    /** Bytes not yet written over all connections of this node, at least max-outbound-bytes. Library default: 268435456. */
    private Long maxNodeOutboundBytes;

    public java.time.Duration getAuthTimeout() {
        return authTimeout;
    }

    public void setAuthTimeout(java.time.Duration authTimeout) {
        this.authTimeout = authTimeout;
    }

    public java.time.Duration getResumeWindow() {
        return resumeWindow;
    }

    public void setResumeWindow(java.time.Duration resumeWindow) {
        this.resumeWindow = resumeWindow;
    }

    public java.time.Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(java.time.Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public Integer getConnectsPerMinute() {
        return connectsPerMinute;
    }

    public void setConnectsPerMinute(Integer connectsPerMinute) {
        this.connectsPerMinute = connectsPerMinute;
    }

    public Integer getConnectBurst() {
        return connectBurst;
    }

    public void setConnectBurst(Integer connectBurst) {
        this.connectBurst = connectBurst;
    }

    public Integer getMaxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    public void setMaxConnectionsPerAddress(Integer maxConnectionsPerAddress) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    public Integer getMaxFrameBytes() {
        return maxFrameBytes;
    }

    public void setMaxFrameBytes(Integer maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    public Double getFramesPerSecond() {
        return framesPerSecond;
    }

    public void setFramesPerSecond(Double framesPerSecond) {
        this.framesPerSecond = framesPerSecond;
    }

    public Integer getFrameBurst() {
        return frameBurst;
    }

    public void setFrameBurst(Integer frameBurst) {
        this.frameBurst = frameBurst;
    }

    public Integer getMaxConnectionsPerUser() {
        return maxConnectionsPerUser;
    }

    public void setMaxConnectionsPerUser(Integer maxConnectionsPerUser) {
        this.maxConnectionsPerUser = maxConnectionsPerUser;
    }

    public Integer getMaxOutboundInFlight() {
        return maxOutboundInFlight;
    }

    public void setMaxOutboundInFlight(Integer maxOutboundInFlight) {
        this.maxOutboundInFlight = maxOutboundInFlight;
    }

    public Integer getMaxStrikes() {
        return maxStrikes;
    }

    public void setMaxStrikes(Integer maxStrikes) {
        this.maxStrikes = maxStrikes;
    }

    public Long getMaxOutboundBytes() {
        return maxOutboundBytes;
    }

    public void setMaxOutboundBytes(Long maxOutboundBytes) {
        this.maxOutboundBytes = maxOutboundBytes;
    }

    public Long getMaxNodeOutboundBytes() {
        return maxNodeOutboundBytes;
    }

    public void setMaxNodeOutboundBytes(Long maxNodeOutboundBytes) {
        this.maxNodeOutboundBytes = maxNodeOutboundBytes;
    }
}
