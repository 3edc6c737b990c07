package dev.vicinity.jdbc;

/**
 * Error codes every SQL adapter adds to core's ({@link dev.vicinity.core.ErrorCodes}); the adapters'
 * own code classes repeat these values. Unavailability is core's retryable {@code backend_unavailable}.
 */
public final class JdbcErrorCodes {
    /** A Vicinity table or function is missing: the schema was not installed. */
    public static final String SCHEMA_NOT_INSTALLED = "schema_not_installed";
    /** The installed schema was written by a newer release or its scripts were changed after installation. */
    public static final String SCHEMA_MISMATCH = "schema_mismatch";
    /** The database reported an error that is neither bad input nor unavailability (not retryable). */
    public static final String BACKEND_ERROR = "backend_error";

    private JdbcErrorCodes() {}
}
