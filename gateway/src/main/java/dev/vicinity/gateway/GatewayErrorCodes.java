package dev.vicinity.gateway;

/** Stable codes of {@code error} frames sent by the gateway itself (modules add their own). */
public final class GatewayErrorCodes {
    /** The frame is not a JSON object. */
    public static final String MALFORMED_FRAME = "malformed_frame";
    /** The frame exceeds {@link GatewayLimits#maxFrameBytes()}. */
    public static final String FRAME_TOO_LARGE = "frame_too_large";
    /** The frame has no string {@code type}, or one that no module handles. */
    public static final String UNKNOWN_TYPE = "unknown_type";
    /** A request frame without a valid {@code id} (1..64 characters). */
    public static final String MISSING_ID = "missing_id";
    /** A field is missing, of the wrong JSON type or out of range. */
    public static final String INVALID_FIELD = "invalid_field";
    /** The protocol version in {@code hello}/{@code resume} is not supported. */
    public static final String UNSUPPORTED_VERSION = "unsupported_version";
    /** A request before {@code hello} or {@code resume} succeeded. */
    public static final String NOT_AUTHENTICATED = "not_authenticated";
    /** A second {@code hello}/{@code resume} on an authenticated connection. */
    public static final String ALREADY_AUTHENTICATED = "already_authenticated";
    /**
     * A {@code hello} or {@code resume} while an earlier {@code hello} of the connection is still being
     * authenticated (the host answers asynchronously); wait for its answer.
     */
    public static final String AUTH_PENDING = "auth_pending";
    /** The credential was refused (the message carries the host's reason); the connection is closed. */
    public static final String AUTH_FAILED = "auth_failed";
    /**
     * The resume token is unknown, spent or expired (the server cannot tell these apart once the
     * resume window is over); the connection is then closed with 4101 {@code resume_expired}: connect
     * afresh with {@code hello} and reload state.
     */
    public static final String RESUME_EXPIRED = "resume_expired";
    /**
     * A resume was refused because a newer connection of the same device took over; the connection is
     * then closed with 4200 {@code replaced}.
     */
    public static final String REPLACED = "replaced";
    /** The user has too many live connections; the connection is closed. */
    public static final String TOO_MANY_CONNECTIONS = "too_many_connections";
    /** The user's frame rate is exceeded; the frame was dropped. */
    public static final String RATE_LIMITED = "rate_limited";
        /** A bug on the server side; logged with details, the message says nothing more. */
    public static final String INTERNAL_ERROR = "internal_error";
    /** Binary frames are not part of the protocol. */
    public static final String BINARY_NOT_SUPPORTED = "binary_not_supported";

    private GatewayErrorCodes() {}
}
