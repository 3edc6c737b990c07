package dev.vicinity.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Borrows a connection from the host's {@link DataSource} for one unit of work and gives it back in
 * the state it came in (auto-commit and isolation restored). Every {@link SQLException} leaves as a
 * translated {@link dev.vicinity.core.VicinityException} ({@link SqlErrors}); a failed transaction is
 * rolled back first, so nothing is ever half-written. Thread-safe (holds only the DataSource).
 */
public final class Jdbc {
    private static final Logger LOG = LoggerFactory.getLogger(Jdbc.class);

    private final DataSource dataSource;

    /** Work on the borrowed connection. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work; the connection must not be closed or kept. */
        T run(Connection connection) throws SQLException;
    }

    /** A template over the host's data source (never closed by this class). */
    public Jdbc(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The host's data source. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs {@code work} in auto-commit mode: each statement is its own transaction. */
    public <T> T autoCommit(String operation, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
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
            throw SqlErrors.translate(operation, e);
        }
    }

    /**
     * Runs {@code work} in one READ COMMITTED transaction: committed when it returns, rolled back when
     * it throws. Work may call {@link Connection#rollback()} itself to undo everything and still
     * return a value (the empty transaction is then committed).
     */
    public <T> T inTransaction(String operation, Work<T> work) {
        return inTransaction(operation, Connection.TRANSACTION_READ_COMMITTED, work);
    }

    /** Like {@link #inTransaction(String, Work)} with the given JDBC isolation level. */
    public <T> T inTransaction(String operation, int isolation, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
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
            throw SqlErrors.translate(operation, e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ex) {
            // The connection is most likely gone; the server rolls back what it had.
            LOG.debug("rollback failed (SQLState {})", ex.getSQLState());
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
            LOG.debug("could not restore connection settings (SQLState {})", ex.getSQLState());
        }
    }
}
