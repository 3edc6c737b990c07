package dev.vicinity.core;

import org.jspecify.annotations.Nullable;

/**
 * A backend (database, Redis, broker) could not be reached or failed mid-operation. Adapters
 * guarantee that the operation either happened completely or not at all; the call may be retried.
 * Code {@code backend_unavailable}.
 */
public class BackendUnavailableException extends VicinityException {
    private static final long serialVersionUID = 1L;

    /**
     * A backend call failed or timed out; the call may succeed when retried later.
     *
     * @param message what failed, for people
     * @param cause the underlying failure, or null
     */
    public BackendUnavailableException(String message, @Nullable Throwable cause) {
        super(ErrorCodes.BACKEND_UNAVAILABLE, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
