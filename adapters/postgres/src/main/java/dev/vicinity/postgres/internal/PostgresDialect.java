package dev.vicinity.postgres.internal;

import dev.vicinity.jdbc.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * {@link SqlDialect} of PostgreSQL, classified by SQLState. Stateless and thread-safe.
 *
 * <ul>
 *   <li>Connection trouble (class {@code 08}), server shutdown ({@code 57P01..57P03}), serialization
 *       failure and deadlock ({@code 40001}, {@code 40P01}), too many connections ({@code 53300}),
 *       cancelled statements ({@code 57014}), lock timeouts ({@code 55P03}) and the driver's
 *       transient/recoverable exceptions (e.g. a pool timeout) are unavailability (retryable by the
 *       caller; the adapter itself does not retry).</li>
 *   <li>Missing objects ({@code 42P01}, {@code 3F000}, {@code 42883}, {@code 42704}) mean the schema
 *       was not installed; {@code 22021}/{@code 22P05} are text PostgreSQL cannot store.</li>
 *   <li>Insert-if-absent is {@code INSERT … ON CONFLICT (key) DO NOTHING}: a failed statement would
 *       abort the whole PostgreSQL transaction, so the conflict must not raise an error.</li>
 * </ul>
 */
public final class PostgresDialect implements SqlDialect {

    @Override
    public String name() {
        return "PostgreSQL";
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    @Override
    public boolean isUnavailable(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08")) {
            return true;
        }
        return switch (state) {
            case "57P01", "57P02", "57P03", "40001", "40P01", "53300", "57014", "55P03" -> true;
            default -> false;
        };
    }

    @Override
    public boolean isMissingObject(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "42P01", "3F000", "42883", "42704" -> true;
            default -> false;
        };
    }

    @Override
    public boolean isUnstorableText(SQLException e) {
        return "22021".equals(e.getSQLState()) || "22P05".equals(e.getSQLState());
    }

    @Override
    public String insertIfAbsent(String plainInsert, String keyColumns) {
        return plainInsert + " ON CONFLICT (" + keyColumns + ") DO NOTHING";
    }

    @Override
    public boolean executeInsertIfAbsent(PreparedStatement insert) throws SQLException {
        return insert.executeUpdate() == 1;
    }

    @Override
    public String textArrayType() {
        return "text";
    }

    @Override
    public int binaryType() {
        return java.sql.Types.BINARY;
    }
}
