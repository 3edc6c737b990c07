package dev.vicinity.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.node.VicinityBackend;
import dev.vicinity.testkit.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example on PostgreSQL + Redis by properties only (the {@code scaled} profile, servers from
 * {@link TestServers}); fails when CI=true and a server is missing, skips with one line otherwise.
 */
class ScaledChatIT {

    @Test
    void twoSocketsChatOnPostgresAndRedis() throws Exception {
        TestServers.requirePostgres();
        TestServers.requireRedis();
        String schema = "vicinity_boot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (ConfigurableApplicationContext context = ChatScenario.start("--spring.profiles.active=scaled",
                "--spring.datasource.url=" + TestServers.postgresJdbcUrl(),
                "--spring.datasource.username=" + TestServers.postgresUser(),
                "--spring.datasource.password=" + TestServers.postgresPassword(),
                "--vicinity.postgres.schema=" + schema, "--vicinity.redis.uri=" + TestServers.redisUri(),
                "--vicinity.redis.key-prefix=" + schema, "--vicinity.node-id=boot-it",
                "--vicinity.cursor-secret=0123456789abcdef0123")) {
            assertThat(context.getBean(VicinityBackend.class).distributed()).isTrue();
            ChatScenario.run(context);
        } finally {
            try (Connection c = DriverManager.getConnection(TestServers.postgresJdbcUrl(), TestServers.postgresUser(),
                    TestServers.postgresPassword()); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
