package dev.vicinity.node;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityException;
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
import dev.vicinity.h2gis.H2gisVicinity;
import dev.vicinity.rating.spi.RatingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded single-node bundle, nothing to install: an H2GIS database (a file, or in memory) holds
 * locations, the proximity index, blocks, chats, history and ratings; presence, the event bus, resume
 * tokens and rate limits live in this process (they only make sense while it runs). Single node
 * ({@link #distributed()} is false). Needs {@code vicinity-h2gis} on the class path.
 *
 * <pre>
 * VicinityBackend backend = H2gisBackend.file(Path.of("data/vicinity"));   // data/vicinity.mv.db
 * </pre>
 *
 * <p>{@link Builder#build()} opens the database and installs (or upgrades) the schema; a file already
 * open in another process fails with a {@link VicinityException} of code
 * {@link NodeErrorCodes#DATABASE_LOCKED}. {@link #close()} shuts the database down cleanly (every
 * committed write is on disk). Thread-safe.
 */
public final class H2gisBackend implements VicinityBackend {
    private static final Logger LOG = LoggerFactory.getLogger(H2gisBackend.class);
    /** org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1. */
    private static final int DATABASE_ALREADY_OPEN = 90020;

    private final H2gisVicinity db;
    private final String name;
    private final PresenceStore presence = new InMemoryPresenceStore();
    private final EventBus bus;
    private final ResumeStore resumes = new InMemoryResumeStore();
    private final RateLimitStore rateLimits = new LocalRateLimitStore();

    private H2gisBackend(H2gisVicinity db, String name, Clock clock) {
        this.db = db;
        this.name = name;
        this.bus = new InMemoryEventBus(clock);
    }

    /**
     * Opens (creating if needed) the file database {@code path}{@code .mv.db} and its parent
     * directories, with default options.
     *
     * @throws VicinityException {@link NodeErrorCodes#DATABASE_LOCKED} if another process has it open
     * @throws InvalidInputException {@code invalid_argument} if the directory cannot be created
     */
    public static H2gisBackend file(Path path) {
        return builder(fileUrl(path)).build();
    }

    /** Opens a fresh in-memory database named {@code name} (gone after {@link #close()}). */
    public static H2gisBackend inMemory(String name) {
        return builder("jdbc:h2:mem:" + Objects.requireNonNull(name, "name") + ";DB_CLOSE_DELAY=-1").build();
    }

    /** The JDBC URL of the file database {@code path}{@code .mv.db}, creating its parent directories. */
    public static String fileUrl(Path path) {
        Path file = Objects.requireNonNull(path, "path").toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new InvalidInputException("invalid_argument", "the directory of " + file + " cannot be created: " + e);
        }
        return "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** A builder for a database at {@code jdbcUrl} ({@code jdbc:h2:file:…} or {@code jdbc:h2:mem:…}). */
    public static Builder builder(String jdbcUrl) {
        return new Builder(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
    }

    /** The H2GIS adapter underneath (its schema, tables, query plans), for operators' tools and tests. */
    public H2gisVicinity database() {
        return db;
    }

    @Override
    public String name() {
        return name;
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
        return db.locationStore();
    }

    @Override
    public ProximityIndex proximityIndex() {
        return db.proximityIndex();
    }

    @Override
    public BlockList blockList() {
        return db.blockList();
    }

    @Override
    public ChatSessionStore chatSessionStore() {
        return db.chatSessionStore();
    }

    @Override
    public MessageStore messageStore() {
        return db.messageStore();
    }

    @Override
    public RatingStore ratingStore() {
        return db.ratingStore();
    }

    @Override
    public RateLimitStore rateLimitStore() {
        return rateLimits;
    }

    /** Always false: presence, bus and limits live in this process. */
    @Override
    public boolean distributed() {
        return false;
    }

    /** One primary-key read of the location table. */
    @Override
    public void checkStore() {
        db.locationStore().get(UserId.of("health-probe"));
    }

    /** Shuts the database down (every committed write is on disk). Idempotent. */
    @Override
    public void close() {
        db.close();
    }

    /**
     * Translates an H2 "database already open" (error 90020, a file locked by another process) into
     * {@link NodeErrorCodes#DATABASE_LOCKED}; anything else is returned unchanged.
     */
    static RuntimeException classify(RuntimeException e, String url) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() == DATABASE_ALREADY_OPEN) {
                return new VicinityException(NodeErrorCodes.DATABASE_LOCKED, "the H2 database " + describe(url)
                        + " is already open in another process (H2 allows one process per file): stop that process"
                        + " (another server on the same data directory?) or use another file", e);
            }
        }
        return e;
    }

    private static String describe(String url) {
        int semicolon = url.indexOf(';');
        return semicolon < 0 ? url : url.substring(0, semicolon);
    }

    /** Options of {@link H2gisBackend}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final String jdbcUrl;
        private String schema = "vicinity";
        private boolean loadH2gisFunctions;
        private Clock clock = Clock.systemUTC();

        private Builder(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
        }

        /** Schema of the tables (default {@code vicinity}). */
        public Builder schema(String schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * Whether the installer registers the H2GIS SQL functions (default false: the stores do not need
         * them, and loading takes a few seconds once per database).
         */
        public Builder loadH2gisFunctions(boolean load) {
            this.loadH2gisFunctions = load;
            return this;
        }

        /** Clock of the in-process bus's health timestamps (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Opens the database and installs or upgrades the schema (idempotent).
         *
         * @throws VicinityException {@link NodeErrorCodes#DATABASE_LOCKED} if another process has the file open
         * @throws InvalidInputException {@code invalid_argument} naming a bad option
         */
        public H2gisBackend build() {
            H2gisVicinity db;
            try {
                // Opening a file database already writes to it (WRITE_DELAY), so a lock shows up here too.
                db = H2gisVicinity.builder(jdbcUrl).schema(schema).loadH2gisFunctions(loadH2gisFunctions).build();
            } catch (InvalidInputException e) {
                throw e;
            } catch (RuntimeException e) {
                throw classify(e, jdbcUrl);
            }
            try {
                List<Integer> applied = db.schemaInstaller().install();
                LOG.info("H2GIS database {} ready (schema {}, applied {})", describe(jdbcUrl), schema, applied);
            } catch (RuntimeException e) {
                db.close();
                throw classify(e, jdbcUrl);
            }
            boolean file = jdbcUrl.startsWith("jdbc:h2:file:");
            return new H2gisBackend(db, file ? "embedded (H2GIS file, in-memory presence and bus)"
                    : "embedded (H2GIS in memory, in-memory presence and bus)", clock);
        }
    }
}
