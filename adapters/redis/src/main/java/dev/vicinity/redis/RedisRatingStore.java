package dev.vicinity.redis;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
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
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@link RatingStore} and {@link RatingAuditStore} in Redis: one Lua script per write, so the
 * insert-if-absent (or compare-and-set) of a rating and the increments of both histograms happen in
 * one atomic step on the server; concurrent double submits from any number of nodes store exactly one.
 *
 * <h2>Layout and hash slots</h2>
 * Users are spread over {@link Builder#stripes} stripes ({@code floorMod(ratee.hashCode(), stripes)}).
 * Every key an operation touches carries its stripe's hash tag {@code {r<n>}}: the rating hash
 * {@code <prefix>:rating:{r<n>}:rt:<session>|<rater>|<ratee>}, the ratee's id set {@code …:about:<ratee>},
 * the ratee's histogram {@code …:agg:<ratee>} (fields 1..5), the stripe's share of the platform histogram
 * {@code …:platform}, the stripe's due set {@code …:due} (sorted by reveal time, lexicographically
 * encoded at nanosecond precision) and the ratee's count-once record {@code …:pair:<ratee>} (field: rater,
 * value: reveal time of the rater's last counted rating, fixed-width). So all keys of one operation are
 * in one slot, and a cluster spreads the stripes. Ratings revealed before the count-once record existed
 * have no entry there: the first reveal of such a pair after an upgrade counts.
 *
 * <p>Costs: writes, {@link #find} and {@link #aggregate} O(1) and one round trip;
 * {@link #platformAggregate} and {@link #sealedDueBy} one pipelined command per stripe (O(stripes),
 * {@code + limit × log d}); {@link #snapshot} O(ratings of the user). The platform histogram is summed
 * over stripes without a global lock, so a read concurrent with writes may see some stripes before and
 * others after them (it is only the prior of the Bayesian score); at quiescence it is exact.
 * Thread-safe; the host owns the connection. Connection failures surface as
 * {@link BackendUnavailableException} and leave nothing half-written (each write is one script).
 */
public final class RedisRatingStore implements RatingStore, RatingAuditStore {
    private static final String[] BUCKETS = {"1", "2", "3", "4", "5"};
    private static final long EPOCH_OFFSET = 100_000_000_000L;
    private static final int SNAPSHOT_ATTEMPTS = 8;

    private final LuaScript insert = LuaScript.load(RedisRatingStore.class, "rating-insert.lua");
    private final LuaScript cas = LuaScript.load(RedisRatingStore.class, "rating-cas.lua");
    private final LuaScript snapshotScript = LuaScript.load(RedisRatingStore.class, "rating-snapshot.lua");
    private final LuaScript replace = LuaScript.load(RedisRatingStore.class, "rating-replace-aggregate.lua");

    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;
    private final String prefix;
    private final int stripes;
    private final long timeoutMillis;

    private RedisRatingStore(Builder b) {
        this.sync = b.commands.sync();
        this.async = b.commands.async();
        this.prefix = b.keyPrefix + ":rating:";
        this.stripes = b.stripes;
        this.timeoutMillis = b.commandTimeout.toMillis();
    }

    /** Starts a builder on the host's connection (it stays owned by the host). */
    public static Builder builder(StatefulRedisConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    /**
     * Starts a builder on the host's Redis Cluster connection (it stays owned by the host): every command
     * and script goes to the node serving its slot.
     */
    public static Builder builder(StatefulRedisClusterConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    @Override
    public InsertResult insertIfAbsent(Rating rating) {
        return insertIfAbsent(rating, Duration.ZERO);
    }

    /** Insert-if-absent with the count-once rule, in the same script (the pair hash shares the ratee's slot). */
    @Override
    public InsertResult insertIfAbsent(Rating rating, Duration countOncePer) {
        Objects.requireNonNull(rating, "rating");
        RatingStore.checkWindow(countOncePer);
        if (rating.version() != 1) {
            throw new IllegalArgumentException("a new rating must have version 1, got " + rating.version());
        }
        List<Object> r = insert.run(sync, ScriptOutputType.MULTI, keysOf(rating.key()),
                args(rating.key(), rating, countOncePer));
        if (r.size() == 2 && "inserted".equals(r.get(0))) {
            return new InsertResult.Inserted(rating.withDuplicate("1".equals(r.get(1))));
        }
        return new InsertResult.Conflict(decode(rating.key(), pairs(r)));
    }

    @Override
    public Optional<Rating> find(RatingKey key) {
        Objects.requireNonNull(key, "key");
        Map<String, String> fields;
        try {
            fields = sync.hgetall(ratingKey(key));
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable reading a rating", e);
        }
        return fields == null || fields.isEmpty() ? Optional.empty() : Optional.of(decode(key, fields));
    }

    @Override
    public boolean compareAndSet(long expectedVersion, Rating updated) {
        return compareAndSet(expectedVersion, updated, Duration.ZERO);
    }

    /** Compare-and-set with the count-once rule, in the same script. */
    @Override
    public boolean compareAndSet(long expectedVersion, Rating updated, Duration countOncePer) {
        Objects.requireNonNull(updated, "updated");
        RatingStore.checkWindow(countOncePer);
        if (updated.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("updated version must be expectedVersion + 1, got "
                    + updated.version() + " for expected " + expectedVersion);
        }
        String[] a = args(updated.key(), updated, countOncePer);
        a[0] = Long.toString(expectedVersion);
        Long r = cas.run(sync, ScriptOutputType.INTEGER, keysOf(updated.key()), a);
        return r == 1L;
    }

    @Override
    public StarHistogram aggregate(UserId ratee) {
        Objects.requireNonNull(ratee, "ratee");
        try {
            return histogram(sync.hmget(stripeTag(ratee) + "agg:" + ratee.value(), BUCKETS));
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable reading an aggregate", e);
        }
    }

    @Override
    public StarHistogram platformAggregate() {
        List<RedisFuture<List<KeyValue<String, String>>>> futures = new ArrayList<>(stripes);
        for (int s = 0; s < stripes; s++) {
            futures.add(async.hmget(stripeTag(s) + "platform", BUCKETS));
        }
        StarHistogram sum = StarHistogram.EMPTY;
        for (RedisFuture<List<KeyValue<String, String>>> f : futures) {
            sum = sum.plus(histogram(await(f)));
        }
        return sum;
    }

    @Override
    public List<RatingKey> sealedDueBy(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        // Members are "<fixed-width reveal time>|<id>": lexicographic order is time order, then id.
        Range<String> upTo = Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(encodeDue(now) + "}"));
        List<RedisFuture<List<String>>> futures = new ArrayList<>(stripes);
        for (int s = 0; s < stripes; s++) {
            futures.add(async.zrangebylex(stripeTag(s) + "due", upTo, Limit.create(0, limit)));
        }
        List<String> all = new ArrayList<>();
        for (RedisFuture<List<String>> f : futures) {
            all.addAll(await(f));
        }
        all.sort(null);
        List<RatingKey> out = new ArrayList<>(Math.min(limit, all.size()));
        for (String member : all) {
            if (out.size() >= limit) {
                break;
            }
            out.add(parseId(member.substring(member.indexOf('|') + 1)));
        }
        return List.copyOf(out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the ratee's id set, then one script checks that the set is unchanged and reads the
     * histogram and every rating (all keys declared, one slot); if a rating was added in between, it
     * reads again (at most {@value #SNAPSHOT_ATTEMPTS} times, then fails as retryable).
     */
    @Override
    public Snapshot snapshot(UserId ratee) {
        Objects.requireNonNull(ratee, "ratee");
        String tag = stripeTag(ratee);
        String about = tag + "about:" + ratee.value();
        for (int attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
            Set<String> ids;
            try {
                ids = sync.smembers(about);
            } catch (RedisException e) {
                throw new BackendUnavailableException("Redis unavailable reading ratings", e);
            }
            String[] keys = new String[ids.size() + 2];
            keys[0] = about;
            keys[1] = tag + "agg:" + ratee.value();
            int i = 2;
            for (String id : ids) {
                keys[i++] = tag + "rt:" + id;
            }
            List<Object> r = snapshotScript.run(sync, ScriptOutputType.MULTI, keys, ids.toArray(new String[0]));
            if (r.isEmpty()) {
                continue;
            }
            StarHistogram stored = histogramOfValues((List<?>) r.get(0));
            List<Rating> ratings = new ArrayList<>(r.size() - 1);
            for (int j = 1; j < r.size(); j++) {
                Map<String, String> fields = pairs((List<?>) r.get(j));
                if (!fields.isEmpty()) {
                    ratings.add(decode(null, fields));
                }
            }
            return new Snapshot(stored, ratings);
        }
        throw new BackendUnavailableException("ratings about " + ratee.value() + " kept changing during "
                + SNAPSHOT_ATTEMPTS + " snapshot attempts", null);
    }

    @Override
    public boolean replaceAggregate(UserId ratee, StarHistogram expected, StarHistogram replacement) {
        Objects.requireNonNull(ratee, "ratee");
        String tag = stripeTag(ratee);
        long[] e = expected.toArray();
        long[] n = replacement.toArray();
        String[] a = new String[10];
        for (int i = 0; i < 5; i++) {
            a[i] = Long.toString(e[i]);
            a[5 + i] = Long.toString(n[i]);
        }
        Long r = replace.run(sync, ScriptOutputType.INTEGER, new String[] {tag + "agg:" + ratee.value(), tag + "platform"}, a);
        return r == 1L;
    }

    // ---- keys and encoding ----

    private String stripeTag(UserId ratee) {
        return stripeTag(Math.floorMod(ratee.value().hashCode(), stripes));
    }

    private String stripeTag(int stripe) {
        return prefix + "{r" + stripe + "}:";
    }

    private static String id(RatingKey key) {
        return key.session().value() + "|" + key.rater().value() + "|" + key.ratee().value();
    }

    private static RatingKey parseId(String id) {
        String[] f = id.split("\\|", -1);
        return RatingKey.of(SessionId.of(f[0]), UserId.of(f[1]), UserId.of(f[2]));
    }

    private String ratingKey(RatingKey key) {
        return stripeTag(key.ratee()) + "rt:" + id(key);
    }

    private String[] keysOf(RatingKey key) {
        String tag = stripeTag(key.ratee());
        return new String[] {tag + "rt:" + id(key), tag + "about:" + key.ratee().value(),
                tag + "agg:" + key.ratee().value(), tag + "platform", tag + "due", tag + "pair:" + key.ratee().value()};
    }

    private static String[] args(RatingKey key, Rating r, Duration countOncePer) {
        return new String[] {id(key), Integer.toString(r.stars()), r.state().name(), encodeTags(r.tags()),
                r.comment() == null ? "0" : "1", r.comment() == null ? "" : r.comment(),
                r.idempotencyKey() == null ? "0" : "1", r.idempotencyKey() == null ? "" : r.idempotencyKey(),
                encodeInstant(r.submittedAt()), encodeInstant(r.revealAt()), encodeInstant(r.updatedAt()),
                encodeDue(r.revealAt()) + "|" + id(key), countOnceThreshold(r.updatedAt(), countOncePer),
                encodeDue(r.updatedAt()), key.rater().value()};
    }

    /**
     * {@code at − window} fixed-width, so that the script's "last counted reveal {@code > threshold}" is
     * "{@code at < last + window}"; '' for a zero window, "0" (below every time) when out of range.
     */
    private static String countOnceThreshold(Instant at, Duration window) {
        if (window.isZero()) {
            return "";
        }
        try {
            Instant threshold = at.minus(window);
            return threshold.getEpochSecond() + EPOCH_OFFSET < 0 ? "0" : encodeDue(threshold);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return "0";
        }
    }

    @SuppressWarnings("NullAway") // a stored rating hash has every field but c and i (written together by one script)
    private static Rating decode(@Nullable RatingKey key, Map<String, String> f) {
        RatingKey k = key != null ? key : parseId(f.get("due").substring(f.get("due").indexOf('|') + 1));
        return new Rating(k, Integer.parseInt(f.get("st")), decodeTags(f.get("tags")), f.get("c"), f.get("i"),
                RatingState.valueOf(f.get("state")), decodeInstant(f.get("sub")), decodeInstant(f.get("rev")),
                decodeInstant(f.get("upd")), Long.parseLong(f.get("v")), "1".equals(f.get("dup")));
    }

    private static Map<String, String> pairs(List<?> flat) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return m;
    }

    /** Tags as {@code <length>:<tag>} concatenated: unambiguous for any content. */
    private static String encodeTags(Set<String> tags) {
        StringBuilder sb = new StringBuilder();
        for (String t : tags) {
            sb.append(t.length()).append(':').append(t);
        }
        return sb.toString();
    }

    private static Set<String> decodeTags(String s) {
        Set<String> tags = new LinkedHashSet<>();
        int i = 0;
        while (s != null && i < s.length()) {
            int colon = s.indexOf(':', i);
            int len = Integer.parseInt(s.substring(i, colon));
            tags.add(s.substring(colon + 1, colon + 1 + len));
            i = colon + 1 + len;
        }
        return tags;
    }

    private static String encodeInstant(Instant t) {
        return t.getEpochSecond() + "." + t.getNano();
    }

    private static Instant decodeInstant(String s) {
        int dot = s.indexOf('.');
        return Instant.ofEpochSecond(Long.parseLong(s.substring(0, dot)), Long.parseLong(s.substring(dot + 1)));
    }

    /** Fixed width, so string order is time order (seconds offset to stay positive, then nanos). */
    static String encodeDue(Instant t) {
        return String.format("%012d.%09d", t.getEpochSecond() + EPOCH_OFFSET, t.getNano());
    }

    private static StarHistogram histogram(List<KeyValue<String, String>> values) {
        long[] c = new long[5];
        for (int i = 0; i < 5; i++) {
            KeyValue<String, String> kv = values.get(i);
            c[i] = kv.hasValue() ? Long.parseLong(kv.getValue()) : 0;
        }
        return StarHistogram.ofArray(c);
    }

    private static StarHistogram histogramOfValues(List<?> values) {
        long[] c = new long[5];
        for (int i = 0; i < 5; i++) {
            Object v = values.get(i);
            c[i] = v == null ? 0 : Long.parseLong(v.toString());
        }
        return StarHistogram.ofArray(c);
    }

    private <T> T await(RedisFuture<T> f) {
        return RedisSupport.await(f, timeoutMillis, "reading ratings");
    }

    /** Options for {@link RedisRatingStore}. Not thread-safe. */
    public static final class Builder extends RedisStoreBuilder<Builder> {
        private int stripes = 16;

        private Builder(Commands commands) {
            super(commands, RedisSupport.DEFAULT_TIMEOUT);
        }

        /**
         * Number of stripes (hash slots) users are spread over, 1..1024 (default 16). Must never change
         * for existing data: it decides where a user's keys are.
         */
        public Builder stripes(int stripes) {
            this.stripes = stripes;
            return this;
        }

        /** @throws IllegalArgumentException for a bad prefix, stripe count or timeout */
        public RedisRatingStore build() {
            checkShared();
            RedisSupport.checkSlots("stripes", stripes);
            return new RedisRatingStore(this);
        }
    }

    /**
     * One pipeline of {@code HMGET}s (one round trip; on a cluster, one per node holding a stripe) for
     * the whole batch.
     */
    @Override
    public java.util.Map<UserId, StarHistogram> aggregates(java.util.Collection<UserId> ratees) {
        java.util.Map<UserId, StarHistogram> result = new java.util.HashMap<>(Math.max(4, ratees.size() * 2));
        if (ratees.isEmpty()) {
            return result;
        }
        List<UserId> asked = new ArrayList<>(ratees);
        List<RedisFuture<List<KeyValue<String, String>>>> futures = new ArrayList<>(asked.size());
        try {
            for (UserId u : asked) {
                futures.add(async.hmget(stripeTag(u) + "agg:" + u.value(), BUCKETS));
            }
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable reading aggregates", e);
        }
        for (int i = 0; i < asked.size(); i++) {
            result.put(asked.get(i), histogram(await(futures.get(i))));
        }
        return result;
    }
}
