package dev.vicinity.h2gis;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.h2gis.internal.H2Dialect;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.rating.spi.RatingAuditStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the embedded H2 + H2GIS backend: one object per schema, giving the stores that
 * implement Vicinity's database SPIs. Zero setup:
 *
 * <pre>
 * try (H2gisVicinity db = H2gisVicinity.open("jdbc:h2:file:./data/vicinity")) {   // creates + installs
 *     LocationService locations = LocationService.builder(db.locationStore(), db.proximityIndex())...build();
 *     ChatService chat = ChatService.builder(db.chatSessionStore(), db.messageStore(), ...)...build();
 *     RatingService ratings = RatingService.builder(db.ratingStore(), sessions)...build();
 * }
 * </pre>
 *
 * or, over a data source the host owns, {@code H2gisVicinity.builder(dataSource).build()} followed
 * by {@code schemaInstaller().install()}.
 *
 * <p>With {@link #open(String)} / {@link #builder(String)} the adapter owns a small H2 connection
 * pool and {@link #close()} shuts the database down cleanly (a file database then holds every
 * committed write and can be reopened, in this JVM or the next). With {@link #builder(DataSource)}
 * the host owns the data source and {@code close()} does nothing. All stores are thread-safe; their
 * atomicity comes from H2 transactions, row locks and unique constraints, never from JVM locks, so
 * several adapters on the same database (e.g. H2's AUTO_SERVER mode) stay correct. A closed or
 * unreachable database surfaces as the retryable {@link dev.vicinity.core.BackendUnavailableException}.
 */
public final class H2gisVicinity implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(H2gisVicinity.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Jdbc jdbc;
    private final @Nullable JdbcConnectionPool ownedPool;
    /** The unpooled source behind {@link #ownedPool}; {@link #close()} runs SHUTDOWN on one of its connections. */
    private final @Nullable JdbcDataSource ownedSource;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String schema;
    private final H2gisSchemaInstaller installer;
    private final H2gisChatSessionStore chatSessions;
    private final H2gisMessageStore messages;
    private final H2gisRatingStore ratings;
    private final H2gisLocationStore locations;
    private final H2gisProximityIndex proximity;
    private final H2gisBlockList blocks;

    private H2gisVicinity(Builder b, DataSource dataSource, @Nullable JdbcConnectionPool ownedPool,
            @Nullable JdbcDataSource ownedSource) {
        this.ownedPool = ownedPool;
        this.ownedSource = ownedSource;
        this.jdbc = new Jdbc(dataSource, new H2Dialect(), "run the schema installer first");
        this.schema = b.schema;
        this.installer = new H2gisSchemaInstaller(jdbc, schema, b.loadH2gisFunctions);
        String q = jdbc.dialect().quote(schema);
        this.chatSessions = new H2gisChatSessionStore(jdbc, q);
        this.messages = new H2gisMessageStore(jdbc, q, b.maxPageSize);
        this.ratings = new H2gisRatingStore(jdbc, q);
        this.locations = new H2gisLocationStore(jdbc, q);
        this.proximity = new H2gisProximityIndex(jdbc, q, b.proximityStartRadius);
        this.blocks = new H2gisBlockList(jdbc, q);
    }

    /**
     * Opens (creating if needed) the database at {@code jdbcUrl} with default options and installs
     * the schema: the zero-setup path. Examples: {@code jdbc:h2:file:./data/vicinity} (persistent),
     * {@code jdbc:h2:mem:demo} (gone after {@link #close()}).
     *
     * @throws IllegalArgumentException if the URL is not an H2 URL
     * @throws dev.vicinity.core.BackendUnavailableException if the database cannot be opened (e.g. a
     *     file database already open in another process)
     */
    public static H2gisVicinity open(String jdbcUrl) {
        H2gisVicinity db = builder(jdbcUrl).build();
        try {
            db.schemaInstaller().install();
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * A builder for an adapter that owns a connection pool on {@code jdbcUrl} (user {@code sa}, empty
     * password unless {@link Builder#credentials} says otherwise). If the URL does not set
     * {@code LOCK_TIMEOUT}, 10 s is added, so that writers queueing for one hot row wait instead of
     * failing after H2's default of 1 s. Unless {@link Builder#flushOnCommit(boolean)} is turned off
     * (or the URL sets {@code WRITE_DELAY} itself), {@code WRITE_DELAY=0} is added: every commit is
     * written to the database file before it returns, so a write that was acknowledged survives a
     * crash of the process ({@code kill -9}); H2's default delays the write by up to 500 ms.
     */
    public static Builder builder(String jdbcUrl) {
        return new Builder(null, Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
    }

    /** A builder over the host's data source (the host owns and closes it). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"), null);
    }

    /** The installer of this schema's tables. */
    public H2gisSchemaInstaller schemaInstaller() {
        return installer;
    }

    /** Chat sessions with version compare-and-set ({@link ChatSessionStore}). */
    public ChatSessionStore chatSessionStore() {
        return chatSessions;
    }

    /** Message history with per-session gap-free sequences ({@link MessageStore}). */
    public MessageStore messageStore() {
        return messages;
    }

    /** Ratings and their aggregates; the same object is the {@link RatingAuditStore}. */
    public H2gisRatingStore ratingStore() {
        return ratings;
    }

    /** Users' public locations with version compare-and-set ({@link LocationStore}). */
    public LocationStore locationStore() {
        return locations;
    }

    /** The spatial proximity index; also offers batched upserts and the query plan. */
    public H2gisProximityIndex proximityIndex() {
        return proximity;
    }

    /** Who blocked whom ({@link BlockList}). */
    public BlockList blockList() {
        return blocks;
    }

    /** The schema holding Vicinity's tables. */
    public String schema() {
        return schema;
    }

    /** The data source every store uses. */
    public DataSource dataSource() {
        return jdbc.dataSource();
    }

    /** Names of every table of this adapter, schema-qualified and quoted (for operators' scripts and tests). */
    public List<String> tables() {
        String q = jdbc.dialect().quote(schema);
        return List.of(q + ".chat_session", q + ".chat_participant", q + ".chat_history", q + ".chat_message",
                q + ".rating", q + ".rating_aggregate", q + ".rating_platform", q + ".rating_pair", q + ".location",
                q + ".proximity",
                q + ".user_block");
    }

    /**
     * If this adapter owns its pool: disposes the pool and shuts the database down ({@code SHUTDOWN}:
     * every committed write is on disk for a file database; an in-memory database is gone). Every
     * store then fails with {@code backend_unavailable}, and so does an operation still running on
     * another thread when the database goes down. Does nothing for a host data source. Idempotent
     * and thread-safe.
     */
    @Override
    public void close() {
        if (ownedPool == null || !closed.compareAndSet(false, true)) {
            return;
        }
        // SHUTDOWN runs on a connection of its own, never on a pooled one: a pooled connection's
        // close() rolls back before it returns to the pool, and that rollback on the database
        // SHUTDOWN just closed fails with 90121, which H2 writes to <name>.trace.db (and the dead
        // connection would go back into the pool). This connection is opened before the pool is
        // disposed, so the database stays open (and is not reopened) until SHUTDOWN; closing it
        // afterwards is a no-op on an already closed session.
        Connection shutdown = null;
        try {
            shutdown = Objects.requireNonNull(ownedSource, "owned together with the pool").getConnection();
        } catch (SQLException e) {
            LOG.debug("no connection to shut the database down (error {}); it may already be closed", e.getErrorCode());
        }
        ownedPool.dispose();
        if (shutdown != null) {
            try (Connection c = shutdown; Statement st = c.createStatement()) {
                st.execute("SHUTDOWN");
            } catch (SQLException e) {
                LOG.debug("shutdown of the database failed (error {}); it may already be closed", e.getErrorCode());
            }
        }
    }

    /**
     * Options of {@link H2gisVicinity}; validated in {@link #build()}. Not thread-safe; build once
     * and share the result.
     */
    public static final class Builder {
        private final @Nullable DataSource dataSource;
        private final @Nullable String jdbcUrl;
        private String user = "sa";
        private String password = "";
        private String schema = "vicinity";
        private int maxPageSize = 1000;
        private int maxConnections = 16;
        private double proximityStartRadius = 500.0;
        private boolean loadH2gisFunctions = true;
        private boolean flushOnCommit = true;

        private Builder(@Nullable DataSource dataSource, @Nullable String jdbcUrl) {
            this.dataSource = dataSource;
            this.jdbcUrl = jdbcUrl;
        }

        /** Schema of the adapter's tables (default {@code vicinity}); lower-case letters, digits, _ (max 63). */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** User and password of an owned pool (default {@code sa} and empty); ignored for a host data source. */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** Size of an owned pool (default 16, 1..1000); ignored for a host data source. */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Largest page {@link MessageStore#range} returns, whatever limit the caller asks for
         * (default 1000, 1..100000).
         */
        public Builder maxPageSize(int maxPageSize) {
            this.maxPageSize = maxPageSize;
            return this;
        }

        /**
         * Radius of the first bounding box of a nearest-k query before the index has seen any data
         * (default 500 m, 1 m..100 km); later queries start from the observed density.
         */
        public Builder proximityStartRadius(double meters) {
            this.proximityStartRadius = meters;
            return this;
        }

        /**
         * Whether the installer registers the H2GIS spatial functions in the database (default true;
         * a few seconds, once per database). The stores do not need them.
         */
        public Builder loadH2gisFunctions(boolean load) {
            this.loadH2gisFunctions = load;
            return this;
        }

        /**
         * Whether every commit is written to the database file before it returns (default true: an
         * owned pool's URL gets {@code WRITE_DELAY=0} unless it sets {@code WRITE_DELAY} itself).
         * With false, H2 writes committed changes in the background up to {@code WRITE_DELAY} (500 ms
         * by default) later, and a process crash loses the commits of that interval (acknowledged chat
         * messages and ratings, and the sequence numbers already handed out). The data survives a
         * crash of the process either way it is written; an operating-system crash or power loss can
         * still lose what the OS had not yet written to the disk. Ignored for a host data source: put
         * {@code ;WRITE_DELAY=0} into its URL. The cost is measured in docs/benchmarks.md.
         */
        public Builder flushOnCommit(boolean flush) {
            this.flushOnCommit = flush;
            return this;
        }

        /**
         * Validates the options and builds the adapter. With a URL it creates the pool (no connection
         * is opened yet); with a data source it touches no connection.
         *
         * @throws IllegalArgumentException naming the bad option
         */
        public H2gisVicinity build() {
            Checks.check(schema != null && IDENTIFIER.matcher(schema).matches(),
                    "schema must match [a-z_][a-z0-9_]{0,62}, got " + schema);
            Checks.between("maxPageSize", maxPageSize, 1, 100_000);
            Checks.between("proximityStartRadius (metres)", proximityStartRadius, 1.0, 100_000.0);
            if (dataSource != null) {
                return new H2gisVicinity(this, dataSource, null, null);
            }
            String jdbcUrl = Objects.requireNonNull(this.jdbcUrl, "a builder has a data source or a URL");
            Checks.check(jdbcUrl.startsWith("jdbc:h2:"),
                    "jdbcUrl must be an H2 URL (jdbc:h2:file:..., jdbc:h2:mem:...), got " + jdbcUrl);
            Checks.between("maxConnections", maxConnections, 1, 1000);
            Checks.notNull("user", user);
            Checks.notNull("password", password);
            String upper = jdbcUrl.toUpperCase(java.util.Locale.ROOT);
            String url = upper.contains(";LOCK_TIMEOUT=") ? jdbcUrl : jdbcUrl + ";LOCK_TIMEOUT=10000";
            JdbcDataSource source = new JdbcDataSource();
            source.setURL(url);
            source.setUser(user);
            source.setPassword(password);
            JdbcConnectionPool pool = JdbcConnectionPool.create(source);
            pool.setMaxConnections(maxConnections);
            if (flushOnCommit && !upper.contains(";WRITE_DELAY=") && !upper.startsWith("JDBC:H2:MEM:")) {
                flushCommits(pool); // an in-memory database has no file to flush to
            }
            return new H2gisVicinity(this, pool, pool, source);
        }

        /**
         * {@code SET WRITE_DELAY 0}, a persistent database setting that needs admin rights (a
         * {@code ;WRITE_DELAY=0} in the URL would make every connection of a non-admin user fail).
         * Without admin rights it is left as it is, with a warning: commits may then be written late.
         */
        private static void flushCommits(JdbcConnectionPool pool) {
            try (java.sql.Connection c = pool.getConnection(); java.sql.Statement st = c.createStatement()) {
                st.execute("SET WRITE_DELAY 0");
            } catch (java.sql.SQLException e) {
                if (e.getErrorCode() == 90040) { // admin rights required
                    LOG.warn("H2GIS: this user may not set WRITE_DELAY 0 (admin rights required); commits are "
                            + "written as the database is configured, and a crash may lose acknowledged writes");
                } else {
                    pool.dispose();
                    throw new dev.vicinity.core.BackendUnavailableException("H2GIS: could not open the database", e);
                }
            }
        }
    }
}
