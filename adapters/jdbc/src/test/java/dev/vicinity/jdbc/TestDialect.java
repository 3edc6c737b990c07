package dev.vicinity.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * A dialect for this module's own tests, run on in-memory H2: errors classified by SQLState only
 * (so a test can raise each class with a plain {@link SQLException}), a configurable number of
 * attempts, and H2's insert-then-catch form of insert-if-absent. Stateless.
 */
final class TestDialect implements SqlDialect {
    static final String UNIQUE = "23505";
    static final String CONFLICT = "40001";
    /** H2's SQLState of a lock timeout (error 50200): a real write-write conflict. */
    static final String LOCK_TIMEOUT = "HYT00";
    static final String UNAVAILABLE = "08006";
    /** H2's SQLState of a missing table (error 42102). */
    static final String MISSING = "42S02";
    static final String UNSTORABLE = "22021";

    private final int maxAttempts;

    TestDialect(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    @Override
    public String name() {
        return "TestDB";
    }

    @Override
    public int maxAttempts() {
        return maxAttempts;
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return UNIQUE.equals(e.getSQLState());
    }

    @Override
    public boolean isConflict(SQLException e) {
        return CONFLICT.equals(e.getSQLState()) || LOCK_TIMEOUT.equals(e.getSQLState());
    }

    @Override
    public boolean isUnavailable(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    @Override
    public boolean isMissingObject(SQLException e) {
        return MISSING.equals(e.getSQLState());
    }

    @Override
    public boolean isUnstorableText(SQLException e) {
        return UNSTORABLE.equals(e.getSQLState());
    }

    @Override
    public String insertIfAbsent(String plainInsert, String keyColumns) {
        return plainInsert;
    }

    @Override
    public boolean executeInsertIfAbsent(PreparedStatement insert) throws SQLException {
        try {
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public String textArrayType() {
        return "VARCHAR";
    }

    @Override
    public int binaryType() {
        return Types.VARBINARY;
    }
}
