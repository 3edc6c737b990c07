package dev.vicinity.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real servers for integration tests ({@code *IT}) are, and what to do when one is not
 * reachable: with {@code CI=true} the test fails (a missing server in CI is a broken build, never a
 * silent skip); otherwise it is skipped with one line saying what to start.
 *
 * <p>Locations come from environment variables, with loopback defaults:
 * {@code VICINITY_PG_HOST} (127.0.0.1), {@code VICINITY_PG_PORT} (5432), {@code VICINITY_PG_USER}
 * (postgres), {@code VICINITY_PG_PASSWORD} (empty), {@code VICINITY_PG_DATABASE} (test),
 * {@code VICINITY_REDIS_URL} (e.g. {@code redis://127.0.0.1:6379}; when set it wins), or
 * {@code VICINITY_REDIS_HOST} (127.0.0.1) and {@code VICINITY_REDIS_PORT} (6379).
 */
public final class TestServers {

    private TestServers() {}

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** True when running in CI ({@code CI=true}). */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** PostgreSQL host: {@code VICINITY_PG_HOST}, default 127.0.0.1. */
    public static String postgresHost() {
        return env("VICINITY_PG_HOST", "127.0.0.1");
    }

    /** PostgreSQL port: {@code VICINITY_PG_PORT}, default 5432. */
    public static int postgresPort() {
        return Integer.parseInt(env("VICINITY_PG_PORT", "5432"));
    }

    /** PostgreSQL user: {@code VICINITY_PG_USER}, default postgres. */
    public static String postgresUser() {
        return env("VICINITY_PG_USER", "postgres");
    }

    /** PostgreSQL password: {@code VICINITY_PG_PASSWORD}, default empty. */
    public static String postgresPassword() {
        return env("VICINITY_PG_PASSWORD", "");
    }

    /** PostgreSQL database: {@code VICINITY_PG_DATABASE}, default test. */
    public static String postgresDatabase() {
        return env("VICINITY_PG_DATABASE", "test");
    }

    /** JDBC URL of the test database. */
    public static String postgresJdbcUrl() {
        return "jdbc:postgresql://" + postgresHost() + ":" + postgresPort() + "/" + postgresDatabase();
    }

    private static java.net.@Nullable URI redisUrl() {
        String url = System.getenv("VICINITY_REDIS_URL");
        return url == null || url.isBlank() ? null : java.net.URI.create(url);
    }

    /** Redis host: from {@code VICINITY_REDIS_URL} if set, else {@code VICINITY_REDIS_HOST}, default 127.0.0.1. */
    public static String redisHost() {
        java.net.URI u = redisUrl();
        return u != null && u.getHost() != null ? u.getHost() : env("VICINITY_REDIS_HOST", "127.0.0.1");
    }

    /** Redis port: from {@code VICINITY_REDIS_URL} if set, else {@code VICINITY_REDIS_PORT}, default 6379. */
    public static int redisPort() {
        java.net.URI u = redisUrl();
        return u != null && u.getPort() > 0 ? u.getPort() : Integer.parseInt(env("VICINITY_REDIS_PORT", "6379"));
    }

    /** Redis URI for Lettuce: {@code VICINITY_REDIS_URL} as given, else built from host and port. */
    public static String redisUri() {
        java.net.URI u = redisUrl();
        return u != null ? u.toString() : "redis://" + redisHost() + ":" + redisPort();
    }

    /** Fails (CI) or skips (elsewhere) unless PostgreSQL accepts TCP connections. */
    public static void requirePostgres() {
        require("PostgreSQL", postgresHost(), postgresPort(),
                "start it with `pg_ctlcluster --skip-systemctl-redirect 15 main start` or run .ci/run");
    }

    /** Fails (CI) or skips (elsewhere) unless Redis accepts TCP connections. */
    public static void requireRedis() {
        require("Redis", redisHost(), redisPort(),
                "start it with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no`");
    }

    /** Fails (CI) or skips (elsewhere) unless {@code host:port} accepts TCP connections. */
    public static void require(String what, String host, int port, String howToStart) {
        if (reachable(host, port)) {
            return;
        }
        String line = what + " is not reachable on " + host + ":" + port + "; " + howToStart;
        if (inCi()) {
            throw new AssertionError(line + " (CI=true: a missing server fails the build)");
        }
        Assumptions.abort("SKIPPED: " + line);
    }

    private static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
