package dev.vicinity.postgres;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Wraps a data source so that a test can cut the server connection in the middle of a transaction:
 * after the first statement whose SQL contains {@link #killAfter(String)} has executed, the
 * connection's backend is terminated with {@code pg_terminate_backend} (as a server restart or a
 * network cut would), so the next statement of the same transaction fails.
 */
final class FaultyDataSource implements DataSource {
    private final DataSource delegate;
    private volatile String killAfter;
    private volatile int kills;

    FaultyDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** Arms a one-shot kill after the next statement containing {@code sqlFragment}. */
    void killAfter(String sqlFragment) {
        this.killAfter = sqlFragment;
    }

    /** How many backends were killed so far. */
    int kills() {
        return kills;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection real = delegate.getConnection();
        int pid;
        try (Statement st = real.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                        return statement((PreparedStatement) result, sql, pid);
                    }
                    return result;
                });
    }

    private PreparedStatement statement(PreparedStatement real, String sql, int pid) {
        InvocationHandler h = (proxy, method, args) -> {
            Object result = invoke(real, method, args);
            String fragment = killAfter;
            if (method.getName().startsWith("execute") && fragment != null && sql.contains(fragment)) {
                killAfter = null;
                terminate(pid);
            }
            return result;
        };
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, h);
    }

    private void terminate(int pid) throws SQLException {
        try (Connection admin = delegate.getConnection();
             PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
            ps.setInt(1, pid);
            ps.execute();
            kills++;
        }
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("not supported");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
