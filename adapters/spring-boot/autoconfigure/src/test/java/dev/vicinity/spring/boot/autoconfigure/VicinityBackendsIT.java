package dev.vicinity.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.gateway.Authenticator;
import dev.vicinity.node.PostgresBackend;
import dev.vicinity.node.Vicinity;
import dev.vicinity.node.VicinityBackend;
import dev.vicinity.testkit.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The postgres and postgres+redis backends against the real servers (settings from {@link TestServers}):
 * fails when CI=true and a server is missing, skips with one line otherwise.
 */
class VicinityBackendsIT {
    private static HikariDataSource pool;
    private static final String SCHEMA = "vicinity_boot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(VicinityAutoConfiguration.class,
                    VicinityHealthAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader("org.springframework.security"))
            .withBean(Authenticator.class, () -> (token, device) -> Optional.empty())
            .withBean(DataSource.class, VicinityBackendsIT::applicationDataSource)
            .withPropertyValues("vicinity.postgres.schema=" + SCHEMA);

    @BeforeAll
    static void servers() {
        requirePostgis();
        pool = new HikariDataSource();
        pool.setJdbcUrl(TestServers.postgresJdbcUrl());
        pool.setUsername(TestServers.postgresUser());
        pool.setPassword(TestServers.postgresPassword());
        pool.setMaximumPoolSize(8);
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (pool == null) {
            return;
        }
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        } finally {
            pool.close();
        }
    }

    @Test
    void postgresOnTheApplicationsDataSource() {
        runner.withPropertyValues("vicinity.backend=postgres").run(context -> {
            assertThat(context).hasNotFailed();
            VicinityBackend backend = context.getBean(VicinityBackend.class);
            assertThat(backend).isInstanceOf(PostgresBackend.class);
            assertThat(backend.distributed()).isFalse();
            assertThat(context.getBean("vicinityStoreHealthIndicator", HealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.UP);
        });
        // the application's DataSource is not closed with the context
        assertThat(pool.isClosed()).isFalse();
    }

    @Test
    void postgresAndRedisIsDistributedAndNeedsNodeIdAndSecret() {
        TestServers.requireRedis();
        String prefix = "vicinity-boot-it-" + UUID.randomUUID().toString().substring(0, 8);
        runner.withPropertyValues("vicinity.backend=postgres+redis", "vicinity.redis.uri=" + TestServers.redisUri(),
                        "vicinity.redis.key-prefix=" + prefix, "vicinity.node-id=boot-1",
                        "vicinity.cursor-secret=0123456789abcdef0123")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    VicinityBackend backend = context.getBean(VicinityBackend.class);
                    assertThat(backend.distributed()).isTrue();
                    assertThat(context.getBean(Vicinity.class).node().value()).isEqualTo("boot-1");
                    assertThat(context.getBean("vicinityBusHealthIndicator", HealthIndicator.class).health()
                            .getStatus()).isEqualTo(Status.UP);
                    assertThat(context.getBean("vicinityStoreHealthIndicator", HealthIndicator.class).health()
                            .getStatus()).isEqualTo(Status.UP);
                });
        runner.withPropertyValues("vicinity.backend=postgres+redis", "vicinity.redis.uri=" + TestServers.redisUri(),
                        "vicinity.redis.key-prefix=" + prefix, "vicinity.cursor-secret=0123456789abcdef0123")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("vicinity.node-id is required with vicinity.backend=postgres+redis"));
        runner.withPropertyValues("vicinity.backend=postgres+redis", "vicinity.redis.uri=" + TestServers.redisUri(),
                        "vicinity.redis.key-prefix=" + prefix, "vicinity.node-id=boot-1")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("vicinity.cursor-secret is required"));
    }

    @Test
    void unreachableRedisFailsStartupNamingIt() {
        runner.withPropertyValues("vicinity.backend=postgres+redis", "vicinity.redis.uri=redis://127.0.0.1:1",
                        "vicinity.redis.timeout=1s", "vicinity.node-id=boot-1",
                        "vicinity.cursor-secret=0123456789abcdef0123")
                .run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining("Redis"));
    }

    /** The pool behind a plain DataSource view: the context would otherwise close the pool as the bean's owner. */
    private static DataSource applicationDataSource() {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(pool, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void requirePostgis() {
        TestServers.requirePostgres();
        String problem;
        try (Connection c = java.sql.DriverManager.getConnection(TestServers.postgresJdbcUrl(),
                TestServers.postgresUser(), TestServers.postgresPassword());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")) {
            problem = rs.next() ? null : "PostGIS is not available in " + TestServers.postgresJdbcUrl();
        } catch (SQLException e) {
            problem = "PostgreSQL at " + TestServers.postgresJdbcUrl() + " refused the test connection (" + e.getMessage() + ")";
        }
        if (problem == null) {
            return;
        }
        if (TestServers.inCi()) {
            throw new AssertionError(problem + " (CI=true: a missing server fails the build)");
        }
        Assumptions.abort("SKIPPED: " + problem);
    }
}
