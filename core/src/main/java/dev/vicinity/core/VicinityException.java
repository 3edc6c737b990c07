package dev.vicinity.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Root of every exception Vicinity throws. Carries a stable, machine-readable {@link #code()}
 * (lower snake case, e.g. {@code invalid_coordinates}) that hosts may switch on and send to clients;
 * the message is for humans and may change.
 *
 * <p>Exceptions are for failures: bad input, an unreachable backend, a broken invariant. Expected
 * outcomes (not found, already rated, a rejected state transition) are return values.
 */
public class VicinityException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    /**
     * An exception with a stable {@code code} and a human-readable {@code message}.
     *
     * @param code the machine-readable code, e.g. {@code invalid_argument}; never null
     * @param message what went wrong, for people (logs, the error frame's message)
     */
    public VicinityException(String code, String message) {
        this(code, message, null);
    }

    /**
     * An exception with a stable {@code code}, a message and the underlying {@code cause}.
     *
     * @param code the machine-readable code; never null
     * @param message what went wrong, for people
     * @param cause the failure that caused this one, or null
     */
    public VicinityException(String code, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The message given to the constructor; the {@link #code()} if that was null. Never null. */
    @Override
    public String getMessage() {
        return Objects.requireNonNullElse(super.getMessage(), code);
    }

    /** The stable machine-readable code. */
    public String code() {
        return code;
    }

    /** Whether the same call may succeed if retried later unchanged. False unless a subtype says so. */
    public boolean retryable() {
        return false;
    }
}
