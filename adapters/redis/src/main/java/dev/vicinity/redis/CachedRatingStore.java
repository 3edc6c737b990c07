package dev.vicinity.redis;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.UserId;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.redis.internal.Commands;
import dev.vicinity.redis.internal.LuaScript;
import dev.vicinity.redis.internal.RedisSupport;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RatingStore} that serves {@link #aggregate} and {@link #platformAggregate} from Redis in front
 * of another store (the delegate, e.g. the PostgreSQL store), which stays the source of truth: every
 * rating write goes to the delegate first and the cache learns about it only after the delegate committed.
 *
 * <h2>Versioned entries</h2>
 * Each cached histogram (one per ratee, one for the platform) has a generation counter in Redis that
 * only grows. After a write the delegate committed, one script increments the generation of the ratee
 * (and of the platform) and deletes the cached value; by default the new aggregate is then read from the
 * delegate and stored under the new generation. A read miss reads the generation first, then the
 * delegate, and stores what it read with a compare in one script ({@code cache-put.lua}): written only if
 * the generation is unchanged and no value of that or a later generation is cached. So a read-through
 * that read the delegate before a write committed can never overwrite the newer value; once a write
 * returned, every read sees it or something newer (for writes made through caches on the same Redis).
 *
 * <h2>Rules for the host</h2>
 * <ul>
 *   <li>Every write of the delegate's ratings must go through a {@code CachedRatingStore} on the same
 *       Redis and key prefix (any number of nodes); a write that bypasses it is seen only after the
 *       entry's time to live.</li>
 *   <li>If Redis fails after the delegate committed, the write still succeeds (it is committed); this
 *       node then bypasses the cache for that user until the invalidation went through, other nodes may
 *       serve the previous value for at most the time to live ({@link Builder#ttl}, default 10 min).
 *       Read failures of Redis fall back to the delegate, so Redis never makes a read fail.</li>
 *   <li>Generations are kept without expiry (one small integer key per user ever written through the
 *       cache); cached values expire after the time to live. Run Redis with persistence if the
 *       generations must survive a restart (a restart without it only empties the cache).</li>
 * </ul>
 *
 * <p>Keys: {@code <prefix>:ragg:{u:<user>}:g} and {@code …:s} (generation; cached value
 * {@code "<generation>|n1|n2|n3|n4|n5"}), {@code <prefix>:ragg:{platform}:g} and {@code …:s}. The two keys
 * of an entry share a hash tag, so each script touches one slot. A read takes a value only if it was
 * cached at the entry's current generation, so a value left behind by an invalidation that never ran
 * is never served.
 *
 * <p>Costs: a hit is one {@code MGET} of value and generation (O(1), one round trip, no delegate
 * call); a miss adds one delegate read and one script. {@link #aggregates} answers many users in at
 * most three round trips (a pipeline of one {@code MGET} per user, one batch read of the delegate for
 * the misses, a pipeline of puts). A write adds two scripts and, with
 * {@link Builder#refreshAfterWrite}, two delegate reads and two scripts. {@link #find},
 * {@link #sealedDueBy} and {@link #snapshot} go to the delegate unchanged.
 *
 * <p>Implements {@link RatingAuditStore} by delegation (repairs invalidate the cache); if the delegate
 * is not a {@link RatingAuditStore} those two methods throw {@link UnsupportedOperationException}
 * ({@link #supportsAudit()} tells). Thread-safe if the delegate is; the host owns the connection.
 */
public final class CachedRatingStore implements RatingStore, RatingAuditStore {
    private static final Logger LOG = LoggerFactory.getLogger(CachedRatingStore.class);
    private static final String PLATFORM = "{platform}";
    /** How long a batch read ({@link #aggregates}) waits for Redis before reading the delegate instead. */
    public static final long BATCH_WAIT_MILLIS = 2_000;

    private final LuaScript put = LuaScript.load(CachedRatingStore.class, "cache-put.lua");
    private final LuaScript bump = LuaScript.load(CachedRatingStore.class, "cache-bump.lua");
    /** SHA1 of the put script once loaded for pipelined batch puts; null until then or after a NOSCRIPT. */
    private volatile @Nullable String putSha;

    private final RatingStore delegate;
    private final @Nullable RatingAuditStore audit;
    private final RedisClusterCommands<String, String> redis;
    private final RedisClusterAsyncCommands<String, String> async;
    private final String prefix;
    private final String ttlMillis;
    private final boolean refreshAfterWrite;
    /** Entries (tags) whose invalidation failed on this node: served from the delegate until it succeeds. */
    private final Set<String> pendingInvalidations = ConcurrentHashMap.newKeySet();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder rejectedPuts = new LongAdder();

    private CachedRatingStore(Builder b) {
        this.delegate = b.delegate;
        this.audit = b.delegate instanceof RatingAuditStore a ? a : null;
        this.redis = b.commands.sync();
        this.async = b.commands.async();
        this.prefix = b.keyPrefix + ":ragg:";
        this.ttlMillis = Long.toString(b.ttl.toMillis());
        this.refreshAfterWrite = b.refreshAfterWrite;
    }

    /**
     * Starts a builder for a cache on the host's connection (it stays owned by the host) in front of
     * {@code delegate}.
     */
    public static Builder builder(StatefulRedisConnection<String, String> connection, RatingStore delegate) {
        return new Builder(Commands.of(connection), delegate);
    }

    /**
     * Starts a builder for a cache on the host's Redis Cluster connection (it stays owned by the host) in
     * front of {@code delegate}.
     */
    public static Builder builder(StatefulRedisClusterConnection<String, String> connection, RatingStore delegate) {
        return new Builder(Commands.of(connection), delegate);
    }

    // ---- writes: delegate first, then invalidate ----

    /** Inserts through the delegate; if a revealed rating was stored, invalidates the ratee and the platform. */
    @Override
    public InsertResult insertIfAbsent(Rating rating) {
        InsertResult result = delegate.insertIfAbsent(rating);
        if (result instanceof InsertResult.Inserted && rating.state() == RatingState.REVEALED) {
            invalidate(rating.key().ratee());
        }
        return result;
    }

    /** {@link #insertIfAbsent(Rating)} with the delegate's count-once rule. */
    @Override
    public InsertResult insertIfAbsent(Rating rating, java.time.Duration countOncePer) {
        InsertResult result = delegate.insertIfAbsent(rating, countOncePer);
        if (result instanceof InsertResult.Inserted && rating.state() == RatingState.REVEALED) {
            invalidate(rating.key().ratee());
        }
        return result;
    }

    /** {@link #compareAndSet(long, Rating)} with the delegate's count-once rule. */
    @Override
    public boolean compareAndSet(long expectedVersion, Rating updated, java.time.Duration countOncePer) {
        boolean replaced = delegate.compareAndSet(expectedVersion, updated, countOncePer);
        if (replaced) {
            invalidate(updated.key().ratee());
        }
        return replaced;
    }

    /** Reads the delegate. */
    @Override
    public Optional<Rating> find(RatingKey key) {
        return delegate.find(key);
    }

    /** Compare-and-set through the delegate; on success invalidates the ratee and the platform. */
    @Override
    public boolean compareAndSet(long expectedVersion, Rating updated) {
        boolean replaced = delegate.compareAndSet(expectedVersion, updated);
        if (replaced) {
            invalidate(updated.key().ratee());
        }
        return replaced;
    }

    // ---- cached reads ----

    /** The ratee's histogram from Redis, read through from the delegate on a miss. O(1) on a hit. */
    @Override
    public StarHistogram aggregate(UserId ratee) {
        Objects.requireNonNull(ratee, "ratee");
        return cached(userTag(ratee), () -> delegate.aggregate(ratee));
    }

    /**
     * The histograms of {@code ratees} in three round trips at most, whatever their number: a pipeline
     * of one {@code MGET} per user (value and generation, one slot), one batch read of the delegate
     * ({@link RatingStore#aggregates}) for the misses, and one pipeline of versioned puts that caches
     * them under the same rule as {@link #aggregate} (a put that raced a write is refused). Users whose
     * invalidation is pending on this node are read from the delegate. If Redis fails or does not answer
     * within {@value #BATCH_WAIT_MILLIS} ms, every user is read from the delegate: Redis never makes a
     * read fail.
     */
    @Override
    public Map<UserId, StarHistogram> aggregates(Collection<UserId> ratees) {
        Objects.requireNonNull(ratees, "ratees");
        Map<UserId, StarHistogram> result = new HashMap<>(Math.max(4, ratees.size() * 2));
        if (ratees.isEmpty()) {
            return result;
        }
        List<UserId> asked = new ArrayList<>(ratees.size());
        List<UserId> bypass = new ArrayList<>();
        boolean pending = !pendingInvalidations.isEmpty() && !flushPending();
        for (UserId u : new java.util.LinkedHashSet<>(ratees)) { // each user once
            (pending && pendingInvalidations.contains(userTag(u)) ? bypass : asked).add(Objects.requireNonNull(u, "ratee"));
        }
        List<UserId> missed = new ArrayList<>();
        List<Long> missedAt = new ArrayList<>();
        try {
            // One pipeline of one MGET per entry (its value and generation share a slot).
            List<RedisFuture<List<KeyValue<String, String>>>> reads = new ArrayList<>(asked.size());
            for (UserId u : asked) {
                String tag = userTag(u);
                reads.add(async.mget(valueKey(tag), generationKey(tag)));
            }
            for (int i = 0; i < asked.size(); i++) {
                List<KeyValue<String, String>> r = RedisSupport.awaitRaw(reads.get(i), BATCH_WAIT_MILLIS);
                long generation = generation(r.get(1));
                StarHistogram hit = valid(r.get(0), generation);
                if (hit != null) {
                    result.put(asked.get(i), hit);
                } else {
                    missed.add(asked.get(i));
                    missedAt.add(generation);
                }
            }
        } catch (RedisException | BackendUnavailableException e) {
            LOG.warn("rating cache unavailable, reading the delegate: {}", e.toString());
            misses.add(ratees.size());
            result.clear();
            result.putAll(delegate.aggregates(ratees));
            return result;
        }
        hits.add(result.size());
        misses.add(missed.size() + bypass.size());
        if (!bypass.isEmpty()) {
            result.putAll(delegate.aggregates(bypass));
        }
        if (!missed.isEmpty()) {
            Map<UserId, StarHistogram> read = delegate.aggregates(missed);
            result.putAll(read);
            storeAll(missed, missedAt, read);
        }
        return result;
    }

    /** {@link #store} for many entries in one pipeline; never throws. */
    private void storeAll(List<UserId> users, List<Long> generations, Map<UserId, StarHistogram> values) {
        try {
            String sha = putSha;
            if (sha == null) {
                sha = put.ensureLoaded(redis); // once; again after a NOSCRIPT (a restarted Redis)
                putSha = sha;
            }
            List<RedisFuture<Long>> written = new ArrayList<>(users.size());
            for (int i = 0; i < users.size(); i++) {
                long[] n = Objects.requireNonNull(values.get(users.get(i))).toArray(); // one value per user
                written.add(async.evalsha(sha, ScriptOutputType.INTEGER, keys(userTag(users.get(i))),
                        Long.toString(generations.get(i)), Long.toString(n[0]), Long.toString(n[1]),
                        Long.toString(n[2]), Long.toString(n[3]), Long.toString(n[4]), ttlMillis));
            }
            for (RedisFuture<Long> f : written) {
                if (RedisSupport.awaitRaw(f, BATCH_WAIT_MILLIS) == 0L) {
                    rejectedPuts.increment();
                }
            }
        } catch (io.lettuce.core.RedisNoScriptException e) {
            putSha = null; // these puts are lost (a cache fill only); the next batch loads the script again
            LOG.warn("rating cache: the put script was not loaded (Redis restarted?): {}", e.toString());
        } catch (RedisException | BackendUnavailableException e) {
            LOG.warn("rating cache: could not store aggregates: {}", e.toString());
        }
    }

    /** The platform histogram from Redis, read through from the delegate on a miss. O(1) on a hit. */
    @Override
    public StarHistogram platformAggregate() {
        return cached(PLATFORM, delegate::platformAggregate);
    }

    /** Reads the delegate. */
    @Override
    public List<RatingKey> sealedDueBy(Instant now, int limit) {
        return delegate.sealedDueBy(now, limit);
    }

    /** The delegate's snapshot (never the cache). @throws UnsupportedOperationException without audit */
    @Override
    public Snapshot snapshot(UserId ratee) {
        return requireAudit().snapshot(ratee);
    }

    /**
     * The delegate's compare-and-set of the stored histogram; on success invalidates the user and the
     * platform. @throws UnsupportedOperationException without audit
     */
    @Override
    public boolean replaceAggregate(UserId ratee, StarHistogram expected, StarHistogram replacement) {
        boolean replaced = requireAudit().replaceAggregate(ratee, expected, replacement);
        if (replaced) {
            invalidate(ratee);
        }
        return replaced;
    }

    /** Whether the delegate implements {@link RatingAuditStore} (so {@link #snapshot} works). */
    public boolean supportsAudit() {
        return audit != null;
    }

    /** Reads answered from Redis since this instance was built. */
    public long hits() {
        return hits.sum();
    }

    /** Reads that went to the delegate (miss, Redis failure or pending invalidation). */
    public long misses() {
        return misses.sum();
    }

    /** Values read from the delegate that were not cached because a newer generation existed. */
    public long rejectedStalePuts() {
        return rejectedPuts.sum();
    }

    // ---- machinery ----

    private interface Read {
        StarHistogram get();
    }

    private StarHistogram cached(String tag, Read source) {
        if (!pendingInvalidations.isEmpty() && !flushPending()) {
            if (pendingInvalidations.contains(tag)) {
                misses.increment();
                return source.get();
            }
        }
        long generation;
        try {
            List<KeyValue<String, String>> r = redis.mget(valueKey(tag), generationKey(tag));
            generation = generation(r.get(1));
            StarHistogram hit = valid(r.get(0), generation);
            if (hit != null) {
                hits.increment();
                return hit;
            }
        } catch (RedisException e) {
            LOG.warn("rating cache unavailable, reading the delegate: {}", e.toString());
            misses.increment();
            return source.get();
        }
        misses.increment();
        StarHistogram read = source.get();
        store(tag, generation, read);
        return read;
    }

    /** Stores {@code value} read at {@code generation} unless something newer happened; never throws. */
    private void store(String tag, long generation, StarHistogram value) {
        long[] n = value.toArray();
        try {
            Long written = put.run(redis, ScriptOutputType.INTEGER, keys(tag), Long.toString(generation),
                    Long.toString(n[0]), Long.toString(n[1]), Long.toString(n[2]), Long.toString(n[3]),
                    Long.toString(n[4]), ttlMillis);
            if (written == 0L) {
                rejectedPuts.increment();
            }
        } catch (RedisException | BackendUnavailableException e) {
            LOG.warn("rating cache: could not store an aggregate: {}", e.toString());
        }
    }

    private void invalidate(UserId ratee) {
        String user = userTag(ratee);
        long userGeneration = bumpOrRemember(user);
        long platformGeneration = bumpOrRemember(PLATFORM);
        if (refreshAfterWrite) {
            if (userGeneration > 0) {
                store(user, userGeneration, delegate.aggregate(ratee));
            }
            if (platformGeneration > 0) {
                store(PLATFORM, platformGeneration, delegate.platformAggregate());
            }
        }
    }

    /** Bumps the entry's generation; on failure remembers it for a later retry and returns 0. */
    private long bumpOrRemember(String tag) {
        try {
            Long generation = bump.run(redis, ScriptOutputType.INTEGER, keys(tag));
            return generation;
        } catch (RedisException | BackendUnavailableException e) {
            pendingInvalidations.add(tag);
            LOG.warn("rating cache: invalidation after a committed write failed, retried later: {}", e.toString());
            return 0;
        }
    }

    /** Retries failed invalidations; true if none is left. */
    private boolean flushPending() {
        for (Iterator<String> it = pendingInvalidations.iterator(); it.hasNext();) {
            String tag = it.next();
            try {
                bump.run(redis, ScriptOutputType.INTEGER, keys(tag));
                it.remove();
            } catch (RedisException | BackendUnavailableException e) {
                return false;
            }
        }
        return true;
    }

    private RatingAuditStore requireAudit() {
        if (audit == null) {
            throw new UnsupportedOperationException("the delegate " + delegate.getClass().getName()
                    + " is not a RatingAuditStore");
        }
        return audit;
    }

    private static String userTag(UserId user) {
        return "{u:" + user.value() + "}";
    }

    private String generationKey(String tag) {
        return prefix + tag + ":g";
    }

    private String valueKey(String tag) {
        return prefix + tag + ":s";
    }

    private String[] keys(String tag) {
        return new String[] {generationKey(tag), valueKey(tag)};
    }

    private static long generation(KeyValue<String, String> kv) {
        return kv.hasValue() ? Long.parseLong(kv.getValue()) : 0;
    }

    /**
     * The histogram of a cached value {@code "generation|n1|…|n5"} if it was cached at the entry's
     * current {@code generation}; null for none or an older one (a write committed since).
     */
    private static @Nullable StarHistogram valid(KeyValue<String, String> kv, long generation) {
        if (!kv.hasValue()) {
            return null;
        }
        String[] parts = kv.getValue().split("\\|");
        if (parts.length != 6 || Long.parseLong(parts[0]) != generation) {
            return null;
        }
        long[] c = new long[5];
        for (int i = 0; i < 5; i++) {
            c[i] = Long.parseLong(parts[i + 1]);
        }
        return StarHistogram.ofArray(c);
    }

    /** Options for {@link CachedRatingStore}. Not thread-safe. */
    public static final class Builder {
        private final Commands commands;
        private final RatingStore delegate;
        private String keyPrefix = "vicinity";
        private Duration ttl = Duration.ofMinutes(10);
        private boolean refreshAfterWrite = true;

        private Builder(Commands commands, RatingStore delegate) {
            this.commands = commands;
            this.delegate = Checks.notNull("delegate", delegate);
        }

        /** Prefix of every key (default {@code vicinity}); the same on every node sharing the delegate. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * How long a cached histogram lives (1 s .. 7 d, default 10 min): bounds how long another node
         * may serve a value whose invalidation failed, and how long idle users occupy memory.
         */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /**
         * Whether a write reads the new aggregate from the delegate and caches it (default true, so the
         * next profile view is a hit); false only invalidates.
         */
        public Builder refreshAfterWrite(boolean refreshAfterWrite) {
            this.refreshAfterWrite = refreshAfterWrite;
            return this;
        }

        /** @throws IllegalArgumentException for a bad prefix or time to live */
        public CachedRatingStore build() {
            RedisSupport.checkKeyPrefix(keyPrefix);
            Checks.between("ttl", ttl, Duration.ofSeconds(1), Duration.ofDays(7));
            return new CachedRatingStore(this);
        }
    }
}
