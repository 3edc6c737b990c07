package dev.vicinity.geo;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.VicinityException;
import java.time.Duration;
import java.util.Objects;

/**
 * A user exceeded a rate limit (nearby queries or location updates). Code {@code rate_limited};
 * retryable after {@link #retryAfter()}. Nothing was computed or stored.
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
