package dev.vicinity.node;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.rating.spi.RatingStore;

/**
 * Everything a {@link Vicinity} node stores, as one bundle: one implementation of every SPI the
 * services need, whether several nodes may share it, a cheap health probe, and what to close on
 * shutdown. Bundles: {@link InMemoryBackend}, {@link H2gisBackend}, {@link PostgresBackend} (optionally
 * with a {@link RedisBundle}); {@link Backends} has one-call factories. A host may implement it for its
 * own mix of adapters.
 *
 * <p>Contract: every accessor returns the same thread-safe object on every call (the node reads each
 * once, at build time); the stores must be usable from any thread until {@link #close()}.
 */
public interface VicinityBackend extends AutoCloseable {

    /** A short human-readable description for logs and health pages (never a password or a file path). */
    String name();

    /** Presence leases and node heartbeats. */
    PresenceStore presenceStore();

    /** The bus between nodes (a local one on a single node). */
    EventBus eventBus();

    /** Resume tokens; shared by every node so that a client resumes on any of them. */
    ResumeStore resumeStore();

    /** Users' public locations. */
    LocationStore locationStore();

    /** The proximity index the matcher queries. */
    ProximityIndex proximityIndex();

    /** Who blocked whom: shared by the matcher, chat, the {@code geo.block} frame and rating. */
    BlockList blockList();

    /** Chat sessions (version compare-and-set). */
    ChatSessionStore chatSessionStore();

    /** Chat message history. */
    MessageStore messageStore();

    /** Ratings and their aggregates. */
    RatingStore ratingStore();

    /**
     * Where connect, invite, nearby and location-update limits are counted: this process's for a
     * single-node bundle, a shared store (Redis) for a distributed one, so limits hold cluster-wide.
     */
    RateLimitStore rateLimitStore();

    /**
     * Whether several nodes may serve the same users over this backend. A node on a distributed backend
     * needs settings that agree between nodes (a shared cursor secret), and {@link Vicinity.Builder#build()}
     * refuses to build without them.
     */
    boolean distributed();

    /**
     * A cheap read of the durable store (a key lookup): returns when it answered, throws (usually
     * {@link dev.vicinity.core.BackendUnavailableException}) when it is down. Blocks for at most the
     * bundle's timeout; call it from a health-check thread, not a request thread.
     */
    void checkStore();

    /** The bus health; cheap, never blocks. */
    default BusHealth busHealth() {
        return eventBus().health();
    }

    /**
     * Closes what this bundle owns (connections, pools, an embedded database), in reverse order of
     * opening; never what the host handed in (a {@code DataSource}). Idempotent; never throws (failures
     * are logged).
     */
    @Override
    void close();
}
