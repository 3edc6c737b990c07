package dev.vicinity.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A caller exceeded a rate limit (messages, invites, nearby queries, location updates, connects). Code
 * {@code rate_limited}; retryable after {@link #retryAfter()}, which the gateway puts on the wire as
 * {@code retryAfterMs}. Nothing was computed or stored. The one rate-limit exception of every module.
 */
public class RateLimitedException extends VicinityException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    /** Creates the exception; {@code retryAfter} is when the next query will be admitted. */
    public RateLimitedException(String message, Duration retryAfter) {
        super(ErrorCodes.RATE_LIMITED, message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** How long the caller should wait before the next request is admitted. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** True: the same request is admitted after {@link #retryAfter()}. */
    @Override
    public boolean retryable() {
        return true;
    }
}
