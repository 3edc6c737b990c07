package dev.vicinity.node;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityException;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.memory.InMemoryEventBus;
import dev.vicinity.core.memory.InMemoryPresenceStore;
import dev.vicinity.core.memory.InMemoryResumeStore;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.postgres.PostgresVicinity;
import dev.vicinity.rating.spi.RatingStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL (PostGIS) for the durable data — locations, the proximity index, blocks, chats, history
 * and ratings — over the host's {@link DataSource}; with a {@link RedisBundle} also presence, the event
 * bus, resume tokens, cluster-wide rate limits and a rating-aggregate cache on Redis, so that any
 * number of nodes serve the same users ({@link #distributed()} is true). Without Redis, presence, bus,
 * resume tokens and limits stay in this process (a single node). Needs {@code vicinity-postgres} (and
 * {@code vicinity-redis} for Redis) on the class path.
 *
 * <pre>
 * VicinityBackend backend = Backends.postgresAndRedis(dataSource, "redis://127.0.0.1:6379", "myapp");
 * </pre>
 *
 * <p>{@link Builder#build()} checks that PostgreSQL answers (else a {@link VicinityException} of code
 * {@link NodeErrorCodes#BACKEND_UNREACHABLE} saying what to start) and installs or upgrades the schema
 * (idempotent; every node may do it). {@link #close()} closes the Redis bundle; the data source stays
 * the host's unless handed over ({@link Builder#ownsDataSource}). Thread-safe.
 */
public final class PostgresBackend implements VicinityBackend {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBackend.class);

    private final PostgresVicinity pg;
    private final @Nullable RedisBundle redis;
    private final PresenceStore presence;
    private final EventBus bus;
    private final ResumeStore resumes;
    private final RateLimitStore rateLimits;
    private final RatingStore ratings;
    private final @Nullable AutoCloseable ownedDataSource;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private PostgresBackend(PostgresVicinity pg, @Nullable RedisBundle redis, boolean cacheRatings, Clock clock,
                            @Nullable AutoCloseable ownedDataSource) {
        this.pg = pg;
        this.redis = redis;
        this.ownedDataSource = ownedDataSource;
        if (redis != null) {
            this.presence = redis.presenceStore();
            this.bus = redis.eventBus();
            this.resumes = redis.resumeStore();
            this.rateLimits = redis.rateLimitStore();
            this.ratings = cacheRatings ? redis.cachedRatings(pg.ratingStore()) : pg.ratingStore();
        } else {
            this.presence = new InMemoryPresenceStore();
            this.bus = new InMemoryEventBus(clock);
            this.resumes = new InMemoryResumeStore();
            this.rateLimits = new LocalRateLimitStore();
            this.ratings = pg.ratingStore();
        }
    }

    /** A builder over the host's data source (the host owns and closes it). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Checks.notNull("dataSource", dataSource));
    }

    /** The PostgreSQL adapter underneath (schema, tables, query plans), for operators' tools and tests. */
    public PostgresVicinity database() {
        return pg;
    }

    @Override
    public String name() {
        return redis == null ? "postgres (" + pg.schema() + ", in-process presence and bus)"
                : "postgres+redis (" + pg.schema() + ", " + redis.keyPrefix() + ")";
    }

    @Override
    public PresenceStore presenceStore() {
        return presence;
    }

    @Override
    public EventBus eventBus() {
        return bus;
    }

    @Override
    public ResumeStore resumeStore() {
        return resumes;
    }

    @Override
    public LocationStore locationStore() {
        return pg.locationStore();
    }

    @Override
    public ProximityIndex proximityIndex() {
        return pg.proximityIndex();
    }

    @Override
    public BlockList blockList() {
        return pg.blockList();
    }

    @Override
    public ChatSessionStore chatSessionStore() {
        return pg.chatSessionStore();
    }

    @Override
    public MessageStore messageStore() {
        return pg.messageStore();
    }

    /** The PostgreSQL rating store, behind the Redis aggregate cache when there is Redis. */
    @Override
    public RatingStore ratingStore() {
        return ratings;
    }

    @Override
    public RateLimitStore rateLimitStore() {
        return rateLimits;
    }

    /** True with Redis (state shared between nodes), false without. */
    @Override
    public boolean distributed() {
        return redis != null;
    }

    /** One primary-key read of the location table. */
    @Override
    public void checkStore() {
        pg.locationStore().get(UserId.of("health-probe"));
    }

    /**
     * Closes the Redis bundle (if any), then the data source if it was handed over with
     * {@link Builder#ownsDataSource(boolean)}. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (redis != null) {
            redis.close();
        }
        if (ownedDataSource != null) {
            try {
                ownedDataSource.close();
            } catch (Exception e) {
                LOG.warn("closing the data source failed", e);
            }
        }
    }

    /** Options of {@link PostgresBackend}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        private String schema = "vicinity";
        private Duration queryTimeout = Duration.ofSeconds(5);
        private boolean installSchema = true;
        private boolean cacheRatings = true;
        private boolean ownsDataSource;
        private @Nullable RedisBundle redis;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** Schema of the tables (default {@code vicinity}); the same on every node. */
        public Builder schema(String schema) {
            this.schema = Checks.notNull("schema", schema);
            return this;
        }

        /** Longest time one statement may run (default 5 s; see {@code PostgresVicinity.Builder#queryTimeout}). */
        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = Checks.notNull("queryTimeout", timeout);
            return this;
        }

        /**
         * Whether {@link #build()} installs or upgrades the schema (default true; idempotent). Turn it off
         * when the schema is installed by a migration job or over a connection without a socket timeout.
         */
        public Builder installSchema(boolean install) {
            this.installSchema = install;
            return this;
        }

        /**
         * Presence, bus, resume tokens, rate limits and the rating cache on Redis (makes the backend
         * distributed). The backend owns the bundle from then on: {@link #build()} closes it if it fails,
         * {@link PostgresBackend#close()} closes it.
         */
        public Builder redis(RedisBundle redis) {
            this.redis = Checks.notNull("redis", redis);
            return this;
        }

        /** Whether rating aggregates are cached in Redis (default true; only with {@link #redis}). */
        public Builder cacheRatings(boolean cache) {
            this.cacheRatings = cache;
            return this;
        }

        /**
         * Whether the backend owns the data source (default false: the host closes it). With true,
         * {@link PostgresBackend#close()} closes it last if it is {@link AutoCloseable} (a HikariCP pool is),
         * and so does a failing {@link #build()}.
         */
        public Builder ownsDataSource(boolean owns) {
            this.ownsDataSource = owns;
            return this;
        }

        /** Clock of the in-process bus's health timestamps without Redis (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /**
         * Checks the connection, installs the schema (unless turned off) and builds the backend.
         *
         * @throws VicinityException {@link NodeErrorCodes#BACKEND_UNREACHABLE} if PostgreSQL does not
         *     answer through the data source
         * @throws dev.vicinity.core.InvalidInputException {@code invalid_argument} naming a bad option
         */
        public PostgresBackend build() {
            try {
                PostgresVicinity pg = PostgresVicinity.builder(dataSource).schema(schema).queryTimeout(queryTimeout)
                        .build();
                probe(dataSource);
                if (installSchema) {
                    List<Integer> applied = pg.schemaInstaller().install();
                    LOG.info("PostgreSQL schema {} ready (applied {})", schema, applied);
                }
                return new PostgresBackend(pg, redis, cacheRatings, clock, owned());
            } catch (RuntimeException e) {
                if (redis != null) {
                    redis.close();
                }
                AutoCloseable owned = owned();
                if (owned != null) {
                    try {
                        owned.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private @Nullable AutoCloseable owned() {
            return ownsDataSource && dataSource instanceof AutoCloseable c ? c : null;
        }

        private static void probe(DataSource dataSource) {
            try (Connection c = dataSource.getConnection()) {
                if (!c.isValid(5)) {
                    throw new SQLException("the connection is not valid");
                }
            } catch (SQLException | RuntimeException e) {
                throw new VicinityException(NodeErrorCodes.BACKEND_UNREACHABLE, "PostgreSQL is not reachable through"
                        + " the data source (" + RedisBundle.rootMessage(e) + "): start PostgreSQL (e.g."
                        + " `pg_ctlcluster 15 main start`) or fix the data source's URL and credentials", e);
            }
        }
    }
}
