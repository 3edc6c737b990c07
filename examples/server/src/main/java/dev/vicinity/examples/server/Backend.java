package dev.vicinity.examples.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.geo.memory.InMemoryBlockList;
import dev.vicinity.chat.memory.InMemoryChatSessionStore;
import dev.vicinity.core.memory.InMemoryEventBus;
import dev.vicinity.geo.memory.InMemoryLocationStore;
import dev.vicinity.chat.memory.InMemoryMessageStore;
import dev.vicinity.core.memory.InMemoryPresenceStore;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.core.memory.InMemoryResumeStore;
import dev.vicinity.postgres.PostgresVicinity;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.redis.RedisEventBus;
import dev.vicinity.redis.RedisRateLimitStore;
import dev.vicinity.redis.RedisPresenceStore;
import dev.vicinity.redis.RedisResumeStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.h2gis.H2gisVicinity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage side of one node: one implementation of every SPI the services need, plus health
 * probes and what must be closed on shutdown. The only place of the example that names adapters;
 * everything else sees SPIs. Immutable; the stores it holds are thread-safe.
 *
 * @param name human-readable description for logs and {@code /health}
 * @param storeProbe a cheap read of the persistent store (throws when it is down)
 * @param closeables closed in reverse order by {@link #close()}
 * @param rateLimits where nearby, location, connect and invite limits are counted: this process's for
 *     the single-node backends, Redis (cluster-wide) for {@code postgres+redis}
 * @param distributed whether several nodes may serve the same users (then limits and cursors are shared)
 */
public record Backend(String name, PresenceStore presence, EventBus bus, ResumeStore resumes,
                      LocationStore locations, ProximityIndex index, BlockList blocks, ChatSessionStore sessions,
                      MessageStore messages, RatingStore ratings, Runnable storeProbe,
                      List<AutoCloseable> closeables, RateLimitStore rateLimits, boolean distributed)
        implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

    /** Copies {@code closeables}; every store must be non-null. */
    public Backend {
        Objects.requireNonNull(name, "name");
        closeables = List.copyOf(closeables);
    }

    /** The bus health (cheap). */
    public BusHealth busHealth() {
        return bus.health();
    }

    /** Opens the backend {@code config} asks for. */
    public static Backend open(ServerConfig config, Clock clock) {
        return switch (config.backend()) {
            case EMBEDDED -> embedded(config, clock);
            case MEMORY -> inMemory(clock);
            case POSTGRES_REDIS -> postgresRedis(config, clock);
        };
    }

    /**
     * The embedded default, nothing to install, single node: an H2GIS file database in the data
     * directory keeps locations, blocks, chats, history and ratings across restarts; presence, the
     * event bus and resume tokens live in memory (they only make sense while the process runs).
     */
    public static Backend embedded(ServerConfig config, Clock clock) {
        Path dir = config.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidInputException("invalid_argument", "--data-dir " + dir + " cannot be created: " + e);
        }
        H2gisVicinity db = H2gisVicinity.builder("jdbc:h2:file:" + dir.resolve("vicinity") + ";DB_CLOSE_ON_EXIT=FALSE")
                .loadH2gisFunctions(false).build();
        try {
            db.schemaInstaller().install();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        // The path goes to the log only: /health is unauthenticated and must not show the file system.
        LOG.info("embedded database file {}", dir.resolve("vicinity.mv.db"));
        return new Backend("embedded (H2GIS file, in-memory presence and bus)",
                new InMemoryPresenceStore(), new InMemoryEventBus(clock), new InMemoryResumeStore(),
                db.locationStore(), db.proximityIndex(), db.blockList(), db.chatSessionStore(), db.messageStore(),
                db.ratingStore(), () -> db.locationStore().get(UserId.of("health-probe")), List.of(db),
                new LocalRateLimitStore(), false);
    }

    /**
     * Everything in this process on the in-memory reference adapter: nothing on disk, state lost on
     * exit (what unit tests of a host use).
     */
    public static Backend inMemory(Clock clock) {
        InMemoryChatSessionStore sessions = new InMemoryChatSessionStore();
        return new Backend("in-memory", new InMemoryPresenceStore(), new InMemoryEventBus(clock),
                new InMemoryResumeStore(), new InMemoryLocationStore(), new InMemoryProximityIndex(),
                new InMemoryBlockList(), sessions, new InMemoryMessageStore(), new InMemoryRatingStore(),
                () -> sessions.find(dev.vicinity.core.SessionId.of("health-probe")), List.of(),
                new LocalRateLimitStore(), false);
    }

    /**
     * PostgreSQL (PostGIS) for locations, proximity, blocks, chat and ratings; Redis for presence, the
     * event bus and resume tokens. Installs the schema if needed (idempotent). Every node of a
     * deployment points at the same database schema and Redis key prefix.
     */
    public static Backend postgresRedis(ServerConfig config, Clock clock) {
        List<AutoCloseable> closeables = new ArrayList<>();
        Duration timeout = config.guards().backendTimeout();
        try {
            // The schema is installed over a pool of its own without the socket timeout (CREATE
            // EXTENSION postgis alone may take longer than a request may), closed right after.
            try (HikariDataSource installPool = pool(config, "install", 1, Duration.ZERO, Duration.ofSeconds(30))) {
                List<Integer> applied = PostgresVicinity.builder(installPool).schema(config.pgSchema()).build()
                        .schemaInstaller().install();
                LOG.info("PostgreSQL schema {} ready (applied {})", config.pgSchema(), applied);
            }
            HikariDataSource ds = pool(config, config.node().value(), 8, timeout, timeout);
            closeables.add(ds);
            PostgresVicinity pg = PostgresVicinity.builder(ds).schema(config.pgSchema()).queryTimeout(timeout).build();

            // Every Redis command waits at most the backend timeout: the stores get it as their
            // command timeout, and the connection's own timeout (Lettuce's default is 60 s) is set too.
            RedisURI uri = RedisURI.create(config.redisUrl());
            uri.setTimeout(timeout);
            RedisClient redis = RedisClient.create(uri);
            redis.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(timeout)).build());
            closeables.add(redis::shutdown);
            StatefulRedisConnection<String, String> conn = redis.connect();
            closeables.add(conn);
            RedisEventBus bus = RedisEventBus.builder(redis).clock(clock).commandTimeout(timeout).build();
            closeables.add(bus);
            String prefix = config.redisPrefix();
            return new Backend("postgres+redis (" + pg.schema() + ", " + prefix + ")",
                    RedisPresenceStore.builder(conn).keyPrefix(prefix).commandTimeout(timeout).build(), bus,
                    RedisResumeStore.create(conn, prefix, timeout), pg.locationStore(), pg.proximityIndex(), pg.blockList(),
                    pg.chatSessionStore(), pg.messageStore(), pg.ratingStore(),
                    () -> pg.locationStore().get(UserId.of("health-probe")), closeables,
                    RedisRateLimitStore.builder(conn).keyPrefix(prefix).commandTimeout(timeout).build(), true);
        } catch (RuntimeException e) {
            closeAll(closeables);
            throw e;
        }
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

    /** Closes connections and pools (reverse order of opening). Idempotent enough for shutdown hooks. */
    @Override
    public void close() {
        closeAll(closeables);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        List<AutoCloseable> reversed = new ArrayList<>(closeables);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", c, e);
            }
        }
    }

}
