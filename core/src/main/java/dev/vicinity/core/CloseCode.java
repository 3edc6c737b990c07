package dev.vicinity.core;

/**
 * Why a connection was detached or closed, with the advice given to the client. Each code has a
 * stable wire name and a WebSocket close status in the application range (4000-4999) or a standard
 * one.
 *
 * <p>{@link Disposition#RESUMABLE} codes detach: the server keeps the connection's state for the
 * resume window and the client should reconnect and resume. {@link Disposition#RECONNECT} codes close
 * for good, but the client may open a new connection. {@link Disposition#TERMINAL} codes close for
 * good and the client must not reconnect automatically (doing so would fight the reason).
 */
public enum CloseCode {
    /** The transport dropped without a close handshake (network loss, crash of the client). */
    TRANSPORT_LOST("transport_lost", 4000, Disposition.RESUMABLE),
    /** No heartbeat from the client within the heartbeat timeout. */
    HEARTBEAT_TIMEOUT("heartbeat_timeout", 4001, Disposition.RESUMABLE),
    /** The outbound queue exceeded its bound; the client should resume when it can keep up. */
    SLOW_CONSUMER("slow_consumer", 4002, Disposition.RESUMABLE),
    /** This node is shutting down; resume on another node. */
    SERVER_SHUTDOWN("server_shutdown", 1001, Disposition.RESUMABLE),

    /** Not authenticated before the authentication deadline. */
    AUTH_TIMEOUT("auth_timeout", 4100, Disposition.RECONNECT),
    /** Detached for longer than the resume window; state is gone, connect afresh. */
    RESUME_EXPIRED("resume_expired", 4101, Disposition.RECONNECT),

    /** Clean close requested by the client or the host. */
    NORMAL("normal", 1000, Disposition.TERMINAL),
    /** A newer connection of the same (user, device) took over. */
    REPLACED("replaced", 4200, Disposition.TERMINAL),
    /** Removed by the host or a moderator. */
    KICKED("kicked", 4201, Disposition.TERMINAL),
    /** The client broke the protocol (e.g. repeatedly malformed frames). */
    PROTOCOL_VIOLATION("protocol_violation", 4202, Disposition.TERMINAL),
    /** Authentication was refused. */
    AUTH_FAILED("auth_failed", 4203, Disposition.TERMINAL),
    /** A limit of the host's policy (connections per user, for example) was exceeded. */
    POLICY_VIOLATION("policy_violation", 4204, Disposition.TERMINAL);

    /** What the client is advised to do after this code. */
    public enum Disposition {
        /** Reconnect and resume with the resume token; server state is kept for the resume window. */
        RESUMABLE,
        /** Start a new connection; nothing is resumable. */
        RECONNECT,
        /** Do not reconnect automatically. */
        TERMINAL
    }

    private final String wireName;
    private final int websocketStatus;
    private final Disposition disposition;

    CloseCode(String wireName, int websocketStatus, Disposition disposition) {
        this.wireName = wireName;
        this.websocketStatus = websocketStatus;
        this.disposition = disposition;
    }

    /** Stable lower-snake-case name used on the wire and in logs. */
    public String wireName() {
        return wireName;
    }

    /** The WebSocket close status to send. */
    public int websocketStatus() {
        return websocketStatus;
    }

    /** What the client is advised to do after this code. */
    public Disposition disposition() {
        return disposition;
    }

    /** True for codes that detach instead of closing. */
    public boolean resumable() {
        return disposition == Disposition.RESUMABLE;
    }
}
