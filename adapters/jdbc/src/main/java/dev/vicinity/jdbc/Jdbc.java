package dev.vicinity.jdbc;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.VicinityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Borrows a connection from a {@link DataSource} for one unit of work and gives it back in the state
 * it came in (auto-commit and isolation restored). A unit of work the database aborted because of a
 * write-write conflict ({@link SqlDialect#isConflict}) is rolled back and run again, up to
 * {@link SqlDialect#maxAttempts()} times in all; every other {@link SQLException} leaves as a
 * {@link VicinityException} translated by {@link #translate}. A failed transaction is rolled back
 * first, so nothing is ever half-written. With a query timeout every statement the work creates gets
 * it ({@link java.sql.Statement#setQueryTimeout}, whole seconds, rounded up): a statement the database
 * does not finish in time is cancelled and the work fails with the retryable
 * {@link BackendUnavailableException}. A query timeout does not help against a stalled network (the
 * driver's cancel request goes the same way); set the driver's socket timeout for that (PgJDBC
 * {@code socketTimeout}, see docs/adapters/postgres.md). Thread-safe (holds only the data source,
 * the dialect and the timeout); never closes the data source.
 */
public final class Jdbc {
    private static final Logger LOG = LoggerFactory.getLogger(Jdbc.class);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String schemaHint;
    /** Query timeout in whole seconds; 0 = none. */
    private final int queryTimeoutSeconds;

    /** Work on the borrowed connection. */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * Does the work; the connection must not be closed or kept. May run more than once when the
         * dialect retries conflicts.
         */
        T run(Connection connection) throws SQLException;
    }

    /**
     * A template over {@code dataSource}, classifying errors with {@code dialect}.
     *
     * @param schemaHint what the host should do when tables are missing, e.g. {@code "run SchemaInstaller first"}
     */
    public Jdbc(DataSource dataSource, SqlDialect dialect, String schemaHint) {
        this(dataSource, dialect, schemaHint, null);
    }

    /**
     * A template whose statements time out after {@code queryTimeout} (rounded up to whole seconds;
     * {@code null} or zero: no timeout).
     *
     * @param schemaHint what the host should do when tables are missing, e.g. {@code "run SchemaInstaller first"}
     * @throws IllegalArgumentException for a negative timeout
     */
    public Jdbc(DataSource dataSource, SqlDialect dialect, String schemaHint,
            java.time.@Nullable Duration queryTimeout) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.schemaHint = Objects.requireNonNull(schemaHint, "schemaHint");
        if (dialect.maxAttempts() < 1) {
            throw new IllegalArgumentException("dialect.maxAttempts() must be >= 1, got " + dialect.maxAttempts());
        }
        if (queryTimeout != null && queryTimeout.isNegative()) {
            throw new IllegalArgumentException("queryTimeout must not be negative, got " + queryTimeout);
        }
        long ms = queryTimeout == null ? 0 : queryTimeout.toMillis();
        this.queryTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (ms + 999) / 1000);
    }

    /** The query timeout every statement gets, in whole seconds (0: none). */
    public int queryTimeoutSeconds() {
        return queryTimeoutSeconds;
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

    /**
     * The Vicinity exception for {@code e} thrown while doing {@code operation}: unavailability and
     * conflicts are the retryable {@link BackendUnavailableException}; text the database cannot store
     * {@code invalid_argument}; missing tables {@code schema_not_installed}; the rest
     * {@code backend_error}. Messages name the operation, the vendor code and the SQLState only; the
     * driver's message (which may quote row values) stays in the cause.
     */
    public VicinityException translate(String operation, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = "error " + e.getErrorCode() + ", SQLState " + state;
        if (dialect.isUnavailable(e) || dialect.isConflict(e)) {
            return new BackendUnavailableException(dialect.name() + " unavailable during " + operation
                    + " (" + where + "); nothing was written, retry later", e);
        }
        if (dialect.isMissingObject(e)) {
            return new VicinityException(JdbcErrorCodes.SCHEMA_NOT_INSTALLED, "Vicinity tables are missing during "
                    + operation + " (" + where + "); " + schemaHint, e);
        }
        if (dialect.isUnstorableText(e)) {
            return new InvalidInputException(ErrorCodes.INVALID_ARGUMENT,
                    "text that " + dialect.name() + " cannot store during " + operation + " (" + where + ")");
        }
        return new VicinityException(JdbcErrorCodes.BACKEND_ERROR,
                dialect.name() + " failed during " + operation + " (" + where + ")", e);
    }

    /** A connection; a disposed pool that throws IllegalStateException (H2's does) is connection failure 08003. */
    private Connection connect() throws SQLException {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (IllegalStateException e) {
            throw new SQLNonTransientConnectionException("the connection pool is closed", "08003", e);
        }
        return queryTimeoutSeconds == 0 ? c : withQueryTimeout(c, queryTimeoutSeconds);
    }

    /** {@code c}, except that every statement it creates gets the query timeout. */
    static Connection withQueryTimeout(Connection c, int seconds) {
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(Jdbc.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(c, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof java.sql.Statement st && st.getQueryTimeout() == 0) {
                        st.setQueryTimeout(seconds);
                    }
                    return result;
                });
    }

    @SuppressWarnings("ThreadPriorityCheck") // yield is a back-off hint between retries, not relied upon
    private boolean retry(String operation, SQLException e, int attempt) {
        int max = dialect.maxAttempts();
        if (attempt >= max || !dialect.isConflict(e)) {
            return false;
        }
        LOG.debug("{} conflicted (error {}), attempt {} of {}", operation, e.getErrorCode(), attempt, max);
        if (attempt > 2) {
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ex) {
            // The connection is most likely gone; the server rolls back what it had.
            LOG.debug("rollback failed (error {}, SQLState {})", ex.getErrorCode(), ex.getSQLState());
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
            LOG.debug("could not restore connection settings (error {}, SQLState {})", ex.getErrorCode(), ex.getSQLState());
        }
    }
}
