package dev.vicinity.postgres;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.postgres.internal.PostgresDialect;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Entry point of the PostgreSQL/PostGIS backend: one object per schema, giving the stores that
 * implement Vicinity's database SPIs over the host's {@link DataSource}.
 *
 * <pre>
 * PostgresVicinity pg = PostgresVicinity.builder(hikariDataSource).schema("vicinity").build();
 * pg.schemaInstaller().install();          // idempotent; or apply SchemaInstaller.script(n) yourself
 * LocationService locations = LocationService.builder(pg.locationStore(), pg.proximityIndex())...build();
 * ChatService chat = ChatService.builder(pg.chatSessionStore(), pg.messageStore(), ...)...build();
 * RatingService ratings = RatingService.builder(pg.ratingStore(), sessions)...build();
 * </pre>
 *
 * <p>The library never creates connections pools or threads: every operation borrows one connection
 * from the data source for one transaction and returns it. All stores are thread-safe and may be
 * shared by any number of threads and nodes; their atomicity comes from PostgreSQL transactions,
 * row locks and unique constraints, never from JVM locks. Connection loss, server shutdown,
 * serialization failures and deadlocks surface as the retryable
 * {@link dev.vicinity.core.BackendUnavailableException} after the transaction was rolled back.
 */
public final class PostgresVicinity {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Jdbc jdbc;
    private final String schema;
    private final String postgisSchema;
    private final SchemaInstaller installer;
    private final PostgresChatSessionStore chatSessions;
    private final PostgresMessageStore messages;
    private final PostgresRatingStore ratings;
    private final PostgresLocationStore locations;
    private final PostgresProximityIndex proximity;
    private final PostgresBlockList blocks;

    private PostgresVicinity(Builder b) {
        this.jdbc = new Jdbc(b.dataSource, new PostgresDialect(), "run SchemaInstaller first", b.queryTimeout);
        this.schema = b.schema;
        this.postgisSchema = b.postgisSchema;
        // The installer runs without the query timeout: CREATE EXTENSION postgis alone can take longer.
        this.installer = new SchemaInstaller(new Jdbc(b.dataSource, new PostgresDialect(), "run SchemaInstaller first"),
                schema, postgisSchema, b.createPostgis);
        String q = quote(schema);
        this.chatSessions = new PostgresChatSessionStore(jdbc, q);
        this.messages = new PostgresMessageStore(jdbc, q, b.maxPageSize);
        this.ratings = new PostgresRatingStore(jdbc, q);
        this.locations = new PostgresLocationStore(jdbc, q);
        this.proximity = new PostgresProximityIndex(jdbc, q, quote(postgisSchema));
        this.blocks = new PostgresBlockList(jdbc, q);
    }

    /** A builder over the host's data source (the host owns and closes it). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The installer of this schema's tables. */
    public SchemaInstaller schemaInstaller() {
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
    public PostgresRatingStore ratingStore() {
        return ratings;
    }

    /** Users' public locations with version compare-and-set ({@link LocationStore}). */
    public LocationStore locationStore() {
        return locations;
    }

    /** The PostGIS proximity index; also offers batched upserts and the query plan. */
    public PostgresProximityIndex proximityIndex() {
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

    /** The schema PostGIS is (expected to be) installed in. */
    public String postgisSchema() {
        return postgisSchema;
    }

    /** Names of every table of this adapter, schema-qualified and quoted (for operators' scripts and tests). */
    public List<String> tables() {
        String q = quote(schema);
        return List.of(q + ".chat_session", q + ".chat_participant", q + ".chat_history", q + ".chat_message",
                q + ".rating", q + ".rating_aggregate", q + ".rating_platform", q + ".rating_pair", q + ".location",
                q + ".proximity",
                q + ".user_block");
    }

    static String quote(String identifier) {
        return '"' + identifier + '"';
    }

    /**
     * Options of {@link PostgresVicinity}; validated in {@link #build()}. Not thread-safe; build once
     * and share the result.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String schema = "vicinity";
        private String postgisSchema = "public";
        private boolean createPostgis = true;
        private int maxPageSize = 1000;
        private java.time.Duration queryTimeout = java.time.Duration.ofSeconds(5);

        private Builder(DataSource dataSource) {
            this.dataSource = Checks.notNull("dataSource", dataSource);
        }

        /** Schema of the adapter's tables (default {@code vicinity}); lower-case letters, digits, _ (max 63). */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /**
         * Schema PostGIS is installed in, or will be created in (default {@code public}, where
         * {@code CREATE EXTENSION postgis} puts it by default). Spatial types, functions and operators
         * are always qualified with it, so nothing depends on the connection's {@code search_path}.
         */
        public Builder postgisSchema(String postgisSchema) {
            this.postgisSchema = postgisSchema;
            return this;
        }

        /** Whether the installer may run {@code CREATE EXTENSION IF NOT EXISTS postgis} (default true). */
        public Builder createPostgis(boolean createPostgis) {
            this.createPostgis = createPostgis;
            return this;
        }

        /**
         * Largest page {@link MessageStore#range} returns, whatever limit the caller asks for
         * (default 1000, 1..100000): bounds the memory and time of one history read.
         */
        public Builder maxPageSize(int maxPageSize) {
            this.maxPageSize = maxPageSize;
            return this;
        }

        /**
         * Longest time one statement may run before the driver cancels it (default 5 s, rounded up to
         * whole seconds; {@code Duration.ZERO}: none, 0..1 h). A cancelled statement (SQLState 57014)
         * rolls its transaction back and fails with the retryable {@code backend_unavailable}. This
         * bounds a slow or locked server; a <em>stalled network</em> (no answer, no reset) needs the
         * driver's {@code socketTimeout} on the host's data source as well, because the cancel request
         * takes the same road (see docs/adapters/postgres.md).
         */
        public Builder queryTimeout(java.time.Duration timeout) {
            this.queryTimeout = timeout;
            return this;
        }

        /**
         * Validates the options and builds the adapter; touches no connection.
         *
         * @throws IllegalArgumentException naming the bad option
         */
        public PostgresVicinity build() {
            identifier("schema", schema);
            identifier("postgisSchema", postgisSchema);
            Checks.between("maxPageSize", maxPageSize, 1, 100_000);
            Checks.between("queryTimeout", queryTimeout, java.time.Duration.ZERO, java.time.Duration.ofHours(1));
            return new PostgresVicinity(this);
        }

        private static void identifier(String option, String value) {
            Checks.check(value != null && IDENTIFIER.matcher(value).matches(), option
                    + " must match [a-z_][a-z0-9_]{0,62} (an unquoted PostgreSQL identifier), got " + value);
        }
    }
}
