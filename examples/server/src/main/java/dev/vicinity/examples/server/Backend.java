package dev.vicinity.examples.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.node.H2gisBackend;
import dev.vicinity.node.InMemoryBackend;
import dev.vicinity.node.PostgresBackend;
import dev.vicinity.node.RedisBundle;
import dev.vicinity.node.VicinityBackend;
import dev.vicinity.postgres.PostgresVicinity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the backend bundle the configuration asks for: the only place of the example that names
 * backends. Every store, the health probe and what to close come from the bundle
 * ({@link VicinityBackend}); this class only turns command-line options into bundle options.
 */
public final class Backend {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

    private Backend() {}

    /** Opens the backend {@code config} asks for. */
    public static VicinityBackend open(ServerConfig config, Clock clock) {
        return switch (config.backend()) {
            case EMBEDDED -> embedded(config, clock);
            case MEMORY -> new InMemoryBackend(clock);
            case POSTGRES_REDIS -> postgresRedis(config, clock);
        };
    }

    /**
     * The embedded default, nothing to install, single node: an H2GIS file database in the data
     * directory keeps locations, blocks, chats, history and ratings across restarts; presence, the
     * event bus and resume tokens live in memory (they only make sense while the process runs).
     */
    public static VicinityBackend embedded(ServerConfig config, Clock clock) {
        Path file = config.dataDir().toAbsolutePath().resolve("vicinity");
        H2gisBackend backend = H2gisBackend.builder(H2gisBackend.fileUrl(file)).clock(clock).build();
        // The path goes to the log only: /health is unauthenticated and must not show the file system.
        LOG.info("embedded database file {}.mv.db", file);
        return backend;
    }

    /**
     * PostgreSQL (PostGIS) for locations, proximity, blocks, chat and ratings; Redis for presence, the
     * event bus, resume tokens, rate limits and the rating cache. Every node of a deployment points at
     * the same database schema and Redis key prefix.
     */
    public static VicinityBackend postgresRedis(ServerConfig config, Clock clock) {
        Duration timeout = config.guards().backendTimeout();
        // The schema is installed over a pool of its own without the socket timeout (CREATE
        // EXTENSION postgis alone may take longer than a request may), closed right after.
        try (HikariDataSource installPool = pool(config, "install", 1, Duration.ZERO, Duration.ofSeconds(30))) {
            List<Integer> applied = PostgresVicinity.builder(installPool).schema(config.pgSchema()).build()
                    .schemaInstaller().install();
            LOG.info("PostgreSQL schema {} ready (applied {})", config.pgSchema(), applied);
        }
        // Every Redis command waits at most the backend timeout; so does every statement.
        RedisBundle redis = RedisBundle.builder(config.redisUrl()).keyPrefix(config.redisPrefix()).timeout(timeout)
                .clock(clock).build();
        return PostgresBackend.builder(pool(config, config.node().value(), 8, timeout, timeout))
                .ownsDataSource(true).schema(config.pgSchema()).queryTimeout(timeout).installSchema(false)
                .redis(redis).build();
    }

    /**
     * A Hikari pool on the configured PostgreSQL. {@code socketTimeout} (PgJDBC, whole seconds rounded
     * up; zero: none) bounds every read from the server, so a stalled network (no answer, no reset)
     * fails the statement and drops the connection instead of holding the request's thread; it also
     * bounds the connection set-up ({@code connectTimeout}, {@code loginTimeout}) and the cancel
     * request of a query timeout ({@code cancelSignalTimeout}), and {@code acquire} bounds the wait
     * for a pooled connection.
     */
    private static HikariDataSource pool(ServerConfig config, String name, int size, Duration socketTimeout,
                                         Duration acquire) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.pgUrl());
        hc.setUsername(config.pgUser());
        hc.setPassword(config.pgPassword());
        hc.setMaximumPoolSize(size);
        hc.setPoolName("vicinity-" + name);
        hc.setConnectionTimeout(Math.max(250, acquire.toMillis()));
        hc.setValidationTimeout(Math.max(250, Math.min(acquire.toMillis(), 5_000)));
        if (!socketTimeout.isZero()) {
            String seconds = Long.toString(Math.max(1, (socketTimeout.toMillis() + 999) / 1000));
            hc.addDataSourceProperty("socketTimeout", seconds);
            hc.addDataSourceProperty("connectTimeout", seconds);
            hc.addDataSourceProperty("loginTimeout", seconds);
            // A query timeout sends a cancel request over a new connection, and PgJDBC waits for it
            // (default 10 s) before the statement fails: on a stalled network that wait is the delay.
            hc.addDataSourceProperty("cancelSignalTimeout", seconds);
        }
        return new HikariDataSource(hc);
    }

}
