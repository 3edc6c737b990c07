package dev.vicinity.chat;

import dev.vicinity.core.VicinityException;
import java.time.Duration;
import java.util.Objects;

/**
 * A user sent messages faster than the configured rate. Nothing was stored. Code {@code rate_limited};
 * retryable after {@link #retryAfter()}.
 */
public class ChatRateLimitedException extends VicinityException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public ChatRateLimitedException(String message, Duration retryAfter) {
        super(ChatErrors.RATE_LIMITED, message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** How long until one more message would be accepted. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
