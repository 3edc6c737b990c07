package dev.vicinity.postgres;

import dev.vicinity.jdbc.JdbcErrorCodes;

/**
 * Error codes the PostgreSQL adapter adds to core's ({@link dev.vicinity.core.ErrorCodes}). Connection
 * loss, server shutdown, serialization failures and deadlocks are reported as core's retryable
 * {@code backend_unavailable} ({@link dev.vicinity.core.BackendUnavailableException}).
 */
public final class PostgresErrorCodes {
    /** A Vicinity table or function is missing: the schema was not installed (run {@link SchemaInstaller}). */
    public static final String SCHEMA_NOT_INSTALLED = JdbcErrorCodes.SCHEMA_NOT_INSTALLED;
    /** PostGIS is not available in the database and could not be created. */
    public static final String POSTGIS_MISSING = "postgis_missing";
    /** PostGIS is installed in another schema than the adapter was configured with. */
    public static final String POSTGIS_SCHEMA_MISMATCH = "postgis_schema_mismatch";
    /** The installed schema was written by a newer release or its scripts were changed after installation. */
    public static final String SCHEMA_MISMATCH = JdbcErrorCodes.SCHEMA_MISMATCH;
    /** PostgreSQL reported an error that is neither bad input nor unavailability (not retryable). */
    public static final String BACKEND_ERROR = JdbcErrorCodes.BACKEND_ERROR;

    private PostgresErrorCodes() {}
}
