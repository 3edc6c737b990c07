package dev.vicinity.postgres.internal;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.VicinityException;
import dev.vicinity.postgres.PostgresErrorCodes;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Maps {@link SQLException}s to {@link VicinityException}s with stable codes. Stateless.
 *
 * <ul>
 *   <li>Connection trouble (SQLState class {@code 08}), server shutdown ({@code 57P01..57P03}),
 *       serialization failure and deadlock ({@code 40001}, {@code 40P01}), too many connections
 *       ({@code 53300}), cancelled statements ({@code 57014}), lock timeouts ({@code 55P03}) and the
 *       driver's transient/recoverable exceptions (e.g. a pool timeout) become a retryable
 *       {@link BackendUnavailableException}.</li>
 *   <li>Missing schema objects ({@code 42P01}, {@code 3F000}, {@code 42883}, {@code 42704}) become
 *       {@code schema_not_installed}.</li>
 *   <li>Everything else becomes {@code backend_error} (not retryable).</li>
 * </ul>
 *
 * Messages name the operation and the SQLState only; the driver's message (which may quote row
 * values) stays in the cause.
 */
public final class SqlErrors {
    private SqlErrors() {}

    /** The Vicinity exception for {@code e} thrown while doing {@code operation}. */
    public static VicinityException translate(String operation, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (isTransient(e, state)) {
            return new BackendUnavailableException(
                    "PostgreSQL unavailable during " + operation + " (SQLState " + state + "); nothing was written, retry later", e);
        }
        switch (state) {
            case "42P01", "3F000", "42883", "42704" -> {
                return new VicinityException(PostgresErrorCodes.SCHEMA_NOT_INSTALLED,
                        "Vicinity tables are missing during " + operation + " (SQLState " + state
                                + "); run SchemaInstaller first", e);
            }
            case "22021", "22P05" -> {
                return new InvalidInputException(ErrorCodes.INVALID_ARGUMENT,
                        "text that PostgreSQL cannot store during " + operation + " (SQLState " + state + ")");
            }
            default -> {
                return new VicinityException(PostgresErrorCodes.BACKEND_ERROR,
                        "PostgreSQL failed during " + operation + " (SQLState " + state + ")", e);
            }
        }
    }

    /** Whether the failure says nothing about the request itself, so that a retry may succeed. */
    public static boolean isTransient(SQLException e, String state) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        if (state.startsWith("08")) {
            return true;
        }
        return switch (state) {
            case "57P01", "57P02", "57P03", "40001", "40P01", "53300", "57014", "55P03" -> true;
            default -> false;
        };
    }
}
