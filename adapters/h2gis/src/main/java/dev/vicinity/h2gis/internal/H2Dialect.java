package dev.vicinity.h2gis.internal;

import dev.vicinity.jdbc.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * {@link SqlDialect} of H2 2.x, classified by H2's vendor error codes (stable across releases,
 * unlike some of its SQLStates). H2 undoes only the failing statement of a transaction, so an
 * insert-if-absent is a plain {@code INSERT} whose unique violation is caught; write conflicts are
 * retried by the shared {@link dev.vicinity.jdbc.Jdbc} template up to {@link #maxAttempts()} times.
 * Stateless and thread-safe: create one per adapter.
 */
public final class H2Dialect implements SqlDialect {
    // org.h2.api.ErrorCode values, spelled out so the classification is visible here.
    private static final int DUPLICATE_KEY_1 = 23505;
    private static final int DEADLOCK_1 = 40001;
    private static final int LOCK_TIMEOUT_1 = 50200;
    private static final int CONCURRENT_UPDATE_1 = 90131;
    private static final int ROW_NOT_FOUND_IN_PRIMARY_INDEX = 90143;
    private static final int DATABASE_IS_CLOSED = 90098;
    private static final int CONNECTION_BROKEN_1 = 90067;
    private static final int DATABASE_CALLED_AT_SHUTDOWN = 90121;
    private static final int OBJECT_CLOSED = 90007;
    private static final int DATABASE_ALREADY_OPEN_1 = 90020;
    private static final int FILE_CORRUPTED_1 = 90030;
    private static final int OUT_OF_MEMORY = 90108;
    private static final int TABLE_OR_VIEW_NOT_FOUND_1 = 42102;
    private static final int TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1 = 42103;
    private static final int TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2 = 42104;
    private static final int SCHEMA_NOT_FOUND_1 = 90079;
    private static final int FUNCTION_NOT_FOUND_1 = 90022;

    @Override
    public String name() {
        return "H2";
    }

    @Override
    public int maxAttempts() {
        return 8;
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
        return java.sql.Types.VARBINARY;
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return e.getErrorCode() == DUPLICATE_KEY_1;
    }

    @Override
    public boolean isConflict(SQLException e) {
        int code = e.getErrorCode();
        return code == DEADLOCK_1 || code == CONCURRENT_UPDATE_1 || code == LOCK_TIMEOUT_1
                || code == ROW_NOT_FOUND_IN_PRIMARY_INDEX;
    }

    @Override
    public boolean isUnavailable(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        int code = e.getErrorCode();
        return code == DATABASE_IS_CLOSED || code == CONNECTION_BROKEN_1 || code == DATABASE_CALLED_AT_SHUTDOWN
                || code == OBJECT_CLOSED || code == DATABASE_ALREADY_OPEN_1 || code == FILE_CORRUPTED_1
                || code == OUT_OF_MEMORY || isConflict(e)
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }

    @Override
    public boolean isMissingObject(SQLException e) {
        int code = e.getErrorCode();
        return code == TABLE_OR_VIEW_NOT_FOUND_1 || code == TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1
                || code == TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2 || code == SCHEMA_NOT_FOUND_1
                || code == FUNCTION_NOT_FOUND_1;
    }
}
