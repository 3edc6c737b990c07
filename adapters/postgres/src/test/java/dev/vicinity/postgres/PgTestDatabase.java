package dev.vicinity.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * The test database of the integration tests: settings from {@link TestServers} (environment variables
 * {@code VICINITY_PG_URL} or {@code VICINITY_PG_HOST}/{@code _PORT}/{@code _DATABASE}, {@code VICINITY_PG_USER},
 * {@code VICINITY_PG_PASSWORD}; default {@code jdbc:postgresql://127.0.0.1:5432/test}, user postgres), one pool
 * per test JVM, and a fresh schema per test class that is dropped afterwards.
 */
final class PgTestDatabase {
    private static HikariDataSource pool;

    private PgTestDatabase() {}

    /** JDBC URL: {@code VICINITY_PG_URL} if set, otherwise built from the TestServers settings. */
    static String url() {
        String url = System.getenv("VICINITY_PG_URL");
        return url == null || url.isBlank() ? TestServers.postgresJdbcUrl() : url;
    }

    /**
     * Fails (CI=true) or skips with one line unless PostgreSQL answers and PostGIS is available in
     * the test database.
     */
    static void require() {
        TestServers.requirePostgres();
        String problem;
        try (Connection c = java.sql.DriverManager.getConnection(url(), TestServers.postgresUser(),
                TestServers.postgresPassword());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")) {
            problem = rs.next() ? null : "PostGIS is not available in " + url()
                    + "; install postgresql-15-postgis-3 (or run .ci/run)";
        } catch (SQLException e) {
            problem = "PostgreSQL at " + url() + " refused the test connection (" + e.getMessage() + ")";
        }
        if (problem == null) {
            return;
        }
        if (TestServers.inCi()) {
            throw new AssertionError(problem + " (CI=true: a missing server fails the build)");
        }
        Assumptions.abort("SKIPPED: " + problem);
    }

    /** The shared pool (created on first use; at most 24 connections). */
    static synchronized DataSource dataSource() {
        if (pool == null) {
            pool = newPool("vicinity-it", 24);
        }
        return pool;
    }

    /** A separate pool, as another node would have; the caller closes it. */
    static HikariDataSource newPool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url());
        config.setUsername(TestServers.postgresUser());
        config.setPassword(TestServers.postgresPassword());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName(name);
        config.setConnectionTimeout(10_000);
        // Tests need atomicity and visibility, not crash durability: do not wait for WAL flushes.
        config.setConnectionInitSql("SET synchronous_commit = off");
        return new HikariDataSource(config);
    }

    /** A random schema name for one test class. */
    static String randomSchema() {
        return "vicinity_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** An adapter on a fresh, installed schema. */
    static PostgresVicinity freshSchema(DataSource ds) {
        PostgresVicinity pg = PostgresVicinity.builder(ds).schema(randomSchema()).build();
        pg.schemaInstaller().install();
        return pg;
    }

    /**
     * A fresh, installed schema on the shared pool for the tests of a class, dropped after them
     * ({@code @RegisterExtension static}); {@link #require()} first, so the class fails (CI=true) or is
     * skipped with one line when PostgreSQL/PostGIS is not there.
     */
    static ClassResource<PostgresVicinity> schemaPerClass() {
        return ClassResource.of(() -> {
            require();
            return freshSchema(dataSource());
        }, PgTestDatabase::drop);
    }

    /** Empties every table of {@code pg} (and zeroes the platform stripes). */
    static void truncate(PostgresVicinity pg) {
        exec(pg, "TRUNCATE " + String.join(", ", pg.tables()) + "; INSERT INTO \"" + pg.schema()
                + "\".rating_platform (stripe) SELECT generate_series(0, 15)");
    }

    /** Drops the schema of {@code pg} with everything in it. */
    static void drop(PostgresVicinity pg) {
        if (pg != null) {
            exec(pg, "DROP SCHEMA IF EXISTS \"" + pg.schema() + "\" CASCADE");
        }
    }

    static void exec(PostgresVicinity pg, String sql) {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
