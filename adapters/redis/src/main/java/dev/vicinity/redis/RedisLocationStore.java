package dev.vicinity.redis;

import dev.vicinity.redis.internal.Commands;
import dev.vicinity.redis.internal.RedisSupport;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationSource;
import dev.vicinity.geo.PublicLocation;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.StoredLocation;
import dev.vicinity.redis.internal.LuaScript;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link LocationStore} in Redis: one hash per user and, per stripe, a sorted set of observation times
 * for the staleness sweeper. {@link #compareAndSet} and {@link #remove} are one Lua script each
 * (version check, hash write and index update in one atomic step), so racing writers on any number of
 * nodes have exactly one winner and nothing is half-written.
 *
 * <p>Keys: {@code <prefix>:loc:{l<n>}:u:<user>} (fields {@code v, lat, lon, src, acc, obs}) and
 * {@code <prefix>:loc:{l<n>}:seen} (user → observed-at in epoch milliseconds), with stripe
 * {@code n = floorMod(user.hashCode(), stripes)}; both keys of a write share the stripe's hash tag.
 * Coordinates are stored as Java's shortest round-trip decimal strings (exact) and times at nanosecond
 * precision.
 *
 * <p>Costs: {@link #get}, {@link #compareAndSet}, {@link #remove} O(1), one round trip;
 * {@link #observedBefore} one pipelined range per stripe plus one pipelined read per returned user
 * (O(stripes + limit × log n)). Thread-safe; the host owns the connection. Connection failures are
 * {@link BackendUnavailableException}.
 */
public final class RedisLocationStore implements LocationStore {
    private static final String[] FIELDS = {"v", "lat", "lon", "src", "acc", "obs"};

    private final LuaScript cas = LuaScript.load(RedisLocationStore.class, "location-cas.lua");
    private final LuaScript removeScript = LuaScript.load(RedisLocationStore.class, "location-remove.lua");

    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;
    private final String prefix;
    private final int stripes;
    private final long timeoutMillis;

    private RedisLocationStore(Builder b) {
        this.sync = b.commands.sync();
        this.async = b.commands.async();
        this.prefix = b.keyPrefix + ":loc:";
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
    public Optional<StoredLocation> get(UserId user) {
        Objects.requireNonNull(user, "user");
        try {
            return decode(user, sync.hmget(userKey(user), FIELDS));
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable reading a location", e);
        }
    }

    @Override
    public Optional<StoredLocation> compareAndSet(long expectedVersion, PublicLocation next) {
        Objects.requireNonNull(next, "next");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be >= 0, got " + expectedVersion);
        }
        UserId user = next.user();
        Instant at = next.observedAt();
        Long version = cas.run(sync, ScriptOutputType.INTEGER, keys(user), Long.toString(expectedVersion), user.value(),
                Double.toString(next.cell().lat()), Double.toString(next.cell().lon()), next.source().name(),
                Double.toString(next.accuracyMeters()), at.getEpochSecond() + "." + at.getNano(),
                Long.toString(at.toEpochMilli()));
        return version == 0L ? Optional.empty() : Optional.of(new StoredLocation(next, version));
    }

    @Override
    public boolean remove(UserId user, long expectedVersion) {
        Objects.requireNonNull(user, "user");
        Long removed = removeScript.run(sync, ScriptOutputType.INTEGER, keys(user), Long.toString(expectedVersion),
                user.value());
        return removed == 1L;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Oldest first within each stripe; stripes are scanned in order, so across stripes the order is
     * unspecified. The index has millisecond resolution; entries in the cutoff's millisecond are checked
     * against the exact time.
     */
    @Override
    public List<StoredLocation> observedBefore(Instant cutoff, int limit) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        long ms = cutoff.toEpochMilli();
        List<RedisFuture<List<String>>> older = new ArrayList<>(stripes);
        List<RedisFuture<List<String>>> sameMilli = new ArrayList<>(stripes);
        for (int s = 0; s < stripes; s++) {
            String seen = stripeTag(s) + "seen";
            older.add(async.zrangebyscore(seen, Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding((double) ms)),
                    Limit.create(0, limit)));
            sameMilli.add(async.zrangebyscore(seen, Range.create((double) ms, (double) ms), Limit.create(0, limit)));
        }
        Set<String> users = new LinkedHashSet<>();
        for (int s = 0; s < stripes; s++) {
            users.addAll(await(older.get(s)));
            users.addAll(await(sameMilli.get(s)));
        }
        List<UserId> ids = new ArrayList<>(users.size());
        List<RedisFuture<List<KeyValue<String, String>>>> reads = new ArrayList<>(users.size());
        for (String u : users) {
            UserId id = UserId.of(u);
            ids.add(id);
            reads.add(async.hmget(userKey(id), FIELDS));
        }
        List<StoredLocation> out = new ArrayList<>(Math.min(limit, ids.size()));
        for (int i = 0; i < ids.size(); i++) {
            Optional<StoredLocation> read = decode(ids.get(i), await(reads.get(i)));
            // Re-checked: the user may have moved on (or gone) between the range and the read.
            if (out.size() < limit && read.isPresent() && read.get().location().observedAt().isBefore(cutoff)) {
                out.add(read.get());
            }
        }
        return List.copyOf(out);
    }

    private static Optional<StoredLocation> decode(UserId user, List<KeyValue<String, String>> f) {
        if (!f.get(0).hasValue()) {
            return Optional.empty();
        }
        String obs = f.get(5).getValue();
        int dot = obs.indexOf('.');
        Instant at = Instant.ofEpochSecond(Long.parseLong(obs.substring(0, dot)), Long.parseLong(obs.substring(dot + 1)));
        PublicLocation location = new PublicLocation(user,
                GeoPoint.ofLatLon(Double.parseDouble(f.get(1).getValue()), Double.parseDouble(f.get(2).getValue())),
                LocationSource.valueOf(f.get(3).getValue()), Double.parseDouble(f.get(4).getValue()), at);
        return Optional.of(new StoredLocation(location, Long.parseLong(f.get(0).getValue())));
    }

    private String stripeTag(int stripe) {
        return prefix + "{l" + stripe + "}:";
    }

    private String userKey(UserId user) {
        return stripeTag(Math.floorMod(user.value().hashCode(), stripes)) + "u:" + user.value();
    }

    private String[] keys(UserId user) {
        String tag = stripeTag(Math.floorMod(user.value().hashCode(), stripes));
        return new String[] {tag + "u:" + user.value(), tag + "seen"};
    }

    private <T> T await(RedisFuture<T> f) {
        return RedisSupport.await(f, timeoutMillis, "reading locations");
    }

    /** Options for {@link RedisLocationStore}. Not thread-safe. */
    public static final class Builder extends RedisStoreBuilder<Builder> {
        private int stripes = 16;

        private Builder(Commands commands) {
            super(commands, Duration.ofSeconds(5));
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
        public RedisLocationStore build() {
            checkShared();
            RedisSupport.checkSlots("stripes", stripes);
            return new RedisLocationStore(this);
        }
    }
}
