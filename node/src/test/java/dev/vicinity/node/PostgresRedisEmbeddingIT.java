package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.MutableClock;
import dev.vicinity.core.NodeId;
import dev.vicinity.testkit.TestServers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The embedding flow on PostgreSQL + Redis (the distributed bundle), against the real servers
 * ({@link TestServers}: a missing server fails with {@code CI=true}, else the test is skipped with one
 * line). A unique schema and key prefix per run; the schema is dropped afterwards.
 */
class PostgresRedisEmbeddingIT {
    private static final byte[] SECRET = "a shared cursor secret for every node".getBytes(StandardCharsets.UTF_8);

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final String schema = "it_node_" + run;
    private final String prefix = "it-node-" + run;
    private PGSimpleDataSource dataSource;

    @BeforeEach
    void servers() {
        TestServers.requirePostgres();
        TestServers.requireRedis();
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(TestServers.postgresJdbcUrl());
        dataSource.setUser(TestServers.postgresUser());
        dataSource.setPassword(TestServers.postgresPassword());
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (dataSource != null) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void theWholeFlowRunsOnPostgresAndRedis() {
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
        VicinityBackend backend = PostgresBackend.builder(dataSource).schema(schema)
                .redis(RedisBundle.builder(TestServers.redisUri()).keyPrefix(prefix).clock(clock).build()).build();
        try (Vicinity vicinity = Vicinity.builder(backend).node(NodeId.of("node-1")).cursorSecret(SECRET)
                .authenticator(EmbeddingFlow::verify).clock(clock).build()) {
            assertThat(backend.distributed()).isTrue();
            assertThat(backend.name()).contains(schema).contains(prefix);
            backend.checkStore();
            EmbeddingFlow.run(vicinity, clock);
        }
    }

    @Test
    void theOneCallBundleIsDistributedAndANodeWithoutACursorSecretIsRefused() {
        try (VicinityBackend backend = Backends.postgresAndRedis(dataSource, TestServers.redisUri(), prefix)) {
            assertThat(backend.distributed()).isTrue();
            assertThat(backend.busHealth()).isNotNull();
            assertThatThrownBy(() -> Vicinity.builder(backend).node(NodeId.of("n")).authenticator((t, d) -> java.util.Optional.empty())
                    .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("cursorSecret");
        }
    }
}
