package dev.vicinity.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** Fresh in-memory H2 databases for this module's tests. */
final class TestDatabases {
    private TestDatabases() {}

    /**
     * A new private in-memory database that lives until the JVM exits (each test gets its own name).
     * Its lock timeout is short so that a test can provoke a real lock conflict quickly.
     */
    static JdbcDataSource fresh() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:jdbc-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=100");
        ds.setUser("sa");
        ds.setPassword("");
        return ds;
    }

    static void exec(DataSource ds, String... sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(DataSource ds, String table) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A data source that hands out one real H2 connection again and again, so a test can see the
     * state {@link Jdbc} leaves it in; {@code close()} on a handed-out connection only counts.
     */
    static final class OneConnection implements AutoCloseableDataSource {
        private final Connection real;
        final AtomicInteger borrowed = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        OneConnection(DataSource ds) throws SQLException {
            this.real = ds.getConnection();
        }

        Connection real() {
            return real;
        }

        @Override
        public Connection getConnection() {
            borrowed.incrementAndGet();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            closed.incrementAndGet();
                            return null;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public void close() throws SQLException {
            real.close();
        }
    }

    /** A {@link DataSource} with only {@code getConnection()} and {@code close()} to implement. */
    interface AutoCloseableDataSource extends DataSource, AutoCloseable {
        @Override
        default Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        default java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        default void setLogWriter(java.io.PrintWriter out) {}

        @Override
        default void setLoginTimeout(int seconds) {}

        @Override
        default int getLoginTimeout() {
            return 0;
        }

        @Override
        default java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        default <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        default boolean isWrapperFor(Class<?> iface) {
            return false;
        }

        @Override
        void close() throws SQLException;
    }
}
