package dev.vicinity.h2gis;

import dev.vicinity.jdbc.JdbcErrorCodes;

/**
 * Error codes the H2GIS adapter adds to core's ({@link dev.vicinity.core.ErrorCodes}). A closed or
 * unreachable database, and write conflicts that persisted through the adapter's retries, are
 * reported as core's retryable {@code backend_unavailable}
 * ({@link dev.vicinity.core.BackendUnavailableException}). The codes are the PostgreSQL adapter's
 * where the meaning is the same.
 */
public final class H2gisErrorCodes {
    /** A Vicinity table is missing: the schema was not installed (run {@link H2gisSchemaInstaller#install()}). */
    public static final String SCHEMA_NOT_INSTALLED = JdbcErrorCodes.SCHEMA_NOT_INSTALLED;
    /** The installed schema was written by a newer release or its scripts were changed after installation. */
    public static final String SCHEMA_MISMATCH = JdbcErrorCodes.SCHEMA_MISMATCH;
    /** H2 reported an error that is neither bad input nor unavailability (not retryable). */
    public static final String BACKEND_ERROR = JdbcErrorCodes.BACKEND_ERROR;

    private H2gisErrorCodes() {}
}
