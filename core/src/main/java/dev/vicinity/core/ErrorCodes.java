package dev.vicinity.core;

/**
 * Stable error codes defined by core. Domain modules define their own next to their API; every code
 * is lower snake case and never changes meaning once released.
 */
public final class ErrorCodes {
    /** An id's string form was null, empty, too long or had an illegal character. */
    public static final String INVALID_ID = "invalid_id";
    /** A generic argument was out of range or missing. */
    public static final String INVALID_ARGUMENT = "invalid_argument";
    /** A backend could not be reached; retryable. */
    public static final String BACKEND_UNAVAILABLE = "backend_unavailable";
    /** A caller exceeded a rate limit. */
    public static final String RATE_LIMITED = "rate_limited";
    /** A state transition was not legal from the current state. */
    public static final String ILLEGAL_TRANSITION = "illegal_transition";
    /** The connection or resume token is unknown or no longer valid. */
    public static final String UNKNOWN_CONNECTION = "unknown_connection";

    private ErrorCodes() {}
}
