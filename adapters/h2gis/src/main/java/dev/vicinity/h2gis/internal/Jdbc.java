package dev.vicinity.h2gis.internal;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.VicinityException;
import dev.vicinity.h2gis.H2gisErrorCodes;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Borrows a connection from a {@link DataSource} for one unit of work and gives it back in the state
 * it came in (auto-commit and isolation restored). A unit of work that the database aborts because
 * of a write-write conflict ({@link SqlDialect#isConflict}) is rolled back and run again, a few
 * times; every other {@link SQLException} leaves as a {@link VicinityException} translated by
 * {@link #translate}. A failed transaction is rolled back first, so nothing is ever half-written.
 * Thread-safe (holds only the data source and the dialect).
 */
public final class Jdbc {
    private static final Logger LOG = LoggerFactory.getLogger(Jdbc.class);
    private static final int MAX_ATTEMPTS = 8;

    private final DataSource dataSource;
    private final SqlDialect dialect;

    /** Work on the borrowed connection. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work; may be run more than once if the database aborted an earlier attempt. */
        T run(Connection connection) throws SQLException;
    }

    /** A template over {@code dataSource}, classifying errors with {@code dialect}. */
    public Jdbc(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    /** The data source. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The dialect. */
    public SqlDialect dialect() {
        return dialect;
    }

    /** Runs {@code work} in auto-commit mode: each statement is its own transaction. */
    public <T> T autoCommit(String operation, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connect()) {
                boolean wasAuto = c.getAutoCommit();
                if (!wasAuto) {
                    c.setAutoCommit(true);
                }
                try {
                    return work.run(c);
                } finally {
                    if (!wasAuto) {
                        restore(c, false, -1);
                    }
                }
            } catch (SQLException e) {
                if (!retry(operation, e, attempt)) {
                    throw translate(operation, e);
                }
            }
        }
    }

    /** Runs {@code work} in one READ COMMITTED transaction (committed on return, rolled back on throw). */
    public <T> T inTransaction(String operation, Work<T> work) {
        return inTransaction(operation, Connection.TRANSACTION_READ_COMMITTED, work);
    }

    /**
     * Like {@link #inTransaction(String, Work)} with the given JDBC isolation level. Work may call
     * {@link Connection#rollback()} itself to undo everything and still return a value.
     */
    public <T> T inTransaction(String operation, int isolation, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connect()) {
                boolean wasAuto = c.getAutoCommit();
                int wasIsolation = c.getTransactionIsolation();
                if (wasAuto) {
                    c.setAutoCommit(false);
                }
                if (wasIsolation != isolation) {
                    c.setTransactionIsolation(isolation);
                }
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c);
                    throw e;
                } finally {
                    restore(c, wasAuto, wasIsolation == isolation ? -1 : wasIsolation);
                }
            } catch (SQLException e) {
                if (!retry(operation, e, attempt)) {
                    throw translate(operation, e);
                }
            }
        }
    }

    /** A connection; a disposed pool (H2's throws IllegalStateException) is reported as connection failure 08003. */
    private Connection connect() throws SQLException {
        try {
            return dataSource.getConnection();
        } catch (IllegalStateException e) {
            throw new SQLNonTransientConnectionException("the connection pool is closed", "08003", e);
        }
    }

    private boolean retry(String operation, SQLException e, int attempt) {
        if (attempt >= MAX_ATTEMPTS || !dialect.isConflict(e)) {
            return false;
        }
        LOG.debug("{} conflicted (error {}), attempt {} of {}", operation, e.getErrorCode(), attempt, MAX_ATTEMPTS);
        if (attempt > 2) {
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }

    /**
     * The Vicinity exception for {@code e}: unavailability and exhausted conflicts are the retryable
     * {@link BackendUnavailableException}; missing tables {@code schema_not_installed}; the rest
     * {@code backend_error}. Messages name the operation and the error code only; the driver's
     * message (which may quote row values) stays in the cause.
     */
    public VicinityException translate(String operation, SQLException e) {
        String where = dialect.name() + " error " + e.getErrorCode() + " (SQLState " + e.getSQLState() + ")";
        if (dialect.isUnavailable(e)) {
            return new BackendUnavailableException(
                    dialect.name() + " unavailable during " + operation + ": " + where + "; nothing was written, retry later", e);
        }
        if (dialect.isMissingObject(e)) {
            return new VicinityException(H2gisErrorCodes.SCHEMA_NOT_INSTALLED, "Vicinity tables are missing during " + operation
                    + " (" + where + "); run the schema installer first", e);
        }
        return new VicinityException(H2gisErrorCodes.BACKEND_ERROR, dialect.name() + " failed during " + operation + ": " + where, e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ex) {
            LOG.debug("rollback failed (error {})", ex.getErrorCode());
        }
    }

    private static void restore(Connection c, boolean autoCommit, int isolation) {
        try {
            if (isolation >= 0) {
                c.setTransactionIsolation(isolation);
            }
            if (autoCommit != c.getAutoCommit()) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException ex) {
            LOG.debug("could not restore connection settings (error {})", ex.getErrorCode());
        }
    }
}
