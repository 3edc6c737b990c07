package dev.vicinity.redis;

import dev.vicinity.core.internal.Checks;
import dev.vicinity.redis.internal.Commands;
import dev.vicinity.redis.internal.RedisSupport;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.BoundingBox;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.redis.internal.LuaScript;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.GeoWithin;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ProximityIndex} on Redis GEO commands, built so that a query never runs one unbounded
 * {@code GEOSEARCH … ASC} over a large radius.
 *
 * <h2>Layout</h2>
 * Users are spread over {@link Builder#shards} shards ({@code floorMod(user.hashCode(), shards)}).
 * Each shard is four keys sharing the shard's hash tag {@code {g<n>}}, so they live in one cluster
 * slot and a cluster spreads the shards: a GEO set {@code <prefix>:geo:{g<n>}:pos} whose members are
 * {@code <user>|<observedAtMillis>} (a query needs no second lookup), a hash {@code …:users}
 * (user → its member), a sorted set {@code …:seen} (user → observed-at, for expiry of stale entries
 * and {@link #size()}) and a sorted set {@code …:polarz} scored by latitude for positions at or beyond
 * {@link #POLAR_LAT} (just inside Redis' GEO latitude limit of ±85.05112878°, where {@code GEOSEARCH}
 * does not find a point stored exactly at the limit): a query reads only the latitude band of its
 * bounding box there, not the whole polar store. (A hash {@code …:polar} of earlier versions is still
 * emptied by writes but no longer read: re-send such users' locations after upgrading.) A user lives
 * in exactly one shard, so a write touches one slot and every key it touches is declared to Redis.
 *
 * <h2>Queries</h2>
 * {@link #candidates} starts with a radius expected to hold about {@code limit} users (learned from
 * earlier queries per area of about one degree; {@link Builder#initialRadiusMeters} before that),
 * sends one pipelined {@code GEOSEARCH … BYRADIUS r ASC COUNT limit} per shard, and widens the radius
 * until {@code limit} users are found within it or the requested radius is reached. Redis' distance
 * is haversine on a slightly different sphere, so its order equals the canonical order and its
 * radius is converted exactly; candidates are ranked by {@link GeoDistance}. Cost:
 * O(rounds × (shards + users within the last radius)); with a learned density, one or two rounds.
 *
 * <h2>Guarantees</h2>
 * {@link #upsert} and {@link #remove} are one Lua script each on the user's shard (atomic, on a single
 * server and on Redis Cluster alike); a query sees each user at most once. Positions come back as
 * Redis decodes them (within 0.6 m); observation times at millisecond precision. Thread-safe (Lettuce
 * connections are). Redis errors surface as {@link BackendUnavailableException}.
 */
public final class RedisProximityIndex implements ProximityIndex {
    /** Latitude limit of Redis GEO commands. */
    static final double MAX_GEO_LAT = 85.05112878;
    /**
     * Positions with |latitude| at or above this (about 2 m inside the GEO limit) go to the polar store;
     * the boundary is inclusive on the polar side, and every query whose box reaches it reads that store.
     */
    static final double POLAR_LAT = 85.0511;
    /** Earth radius Redis uses for GEO distances. */
    static final double REDIS_EARTH_RADIUS = 6372797.560856;
    private static final double TO_REDIS = REDIS_EARTH_RADIUS / GeoDistance.EARTH_RADIUS_METERS;
    private static final String POLAR = "polar";

    private final LuaScript upsertScript = LuaScript.load(RedisProximityIndex.class, "geo-upsert.lua");
    private final LuaScript removeScript = LuaScript.load(RedisProximityIndex.class, "geo-remove.lua");

    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;
    private final String prefix;
    private final int shards;
    private final double initialRadius;
    private final long timeoutMillis;
    /** Users per square metre, learned per area of about one degree from earlier queries; a heuristic only. */
    private final Map<Long, Double> density = new ConcurrentHashMap<>();

    private RedisProximityIndex(Builder b) {
        this.sync = b.commands.sync();
        this.async = b.commands.async();
        this.prefix = b.keyPrefix + ":geo:";
        this.shards = b.shards;
        this.initialRadius = b.initialRadiusMeters;
        this.timeoutMillis = b.commandTimeout.toMillis();
        String configKey = prefix + "config";
        try {
            sync.hsetnx(configKey, "shards", Integer.toString(shards));
            String stored = sync.hget(configKey, "shards");
            if (stored != null && Integer.parseInt(stored) != shards) {
                throw new IllegalStateException("the index under prefix " + b.keyPrefix + " was built with shards="
                        + stored + ", not " + shards + "; every node must use the same value");
            }
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable creating the proximity index", e);
        }
    }

    /** Starts a builder on the host's connection (the connection stays owned by the host). */
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

    /** One script on the user's shard: the old entry is removed and the new one added atomically. O(log n). */
    @Override
    public void upsert(UserId user, GeoPoint point, Instant observedAt) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(point, "point");
        upsertScript.run(sync, ScriptOutputType.INTEGER, shardKeys(shardOf(user)), upsertArgs(user, point,
                observedAt.toEpochMilli()));
    }

    /**
     * Upserts many users with the same script as {@link #upsert}, pipelined (one round trip for the
     * batch instead of one per user); each user's move stays atomic. For bulk loads and ingest
     * batches. O(batch × log n).
     */
    public void upsertAll(Map<UserId, GeoPoint> points, Instant observedAt) {
        String sha = upsertScript.ensureLoaded(sync);
        long obs = observedAt.toEpochMilli();
        List<RedisFuture<Long>> futures = new ArrayList<>(points.size());
        for (Map.Entry<UserId, GeoPoint> e : points.entrySet()) {
            futures.add(async.evalsha(sha, ScriptOutputType.INTEGER, shardKeys(shardOf(e.getKey())),
                    upsertArgs(e.getKey(), e.getValue(), obs)));
        }
        for (RedisFuture<Long> f : futures) {
            RedisSupport.await(f, timeoutMillis, "upserting a batch");
        }
    }

    /** One script on the user's shard. O(log n). */
    @Override
    public boolean remove(UserId user) {
        Objects.requireNonNull(user, "user");
        List<Object> removed = removeScript.run(sync, ScriptOutputType.MULTI, shardKeys(shardOf(user)),
                "user", user.value(), "1");
        return !removed.isEmpty();
    }

    /**
     * Removes up to {@code limit} users whose indexed observation is strictly before {@code cutoff}
     * (stale entries, e.g. of users who stopped sending fixes), with one script per shard (oldest first
     * within a shard; each removal is atomic, the call as a whole is not). Hosts that keep a
     * {@link dev.vicinity.geo.spi.LocationStore} let the location sweeper do this; this method serves
     * deployments that use the index alone. O(shards + limit × log n).
     *
     * @return the users removed
     */
    public List<UserId> removeObservedBefore(Instant cutoff, int limit) {
        if (limit < 1) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "limit must be >= 1");
        }
        List<UserId> out = new ArrayList<>();
        String cutoffMillis = Long.toString(cutoff.toEpochMilli());
        for (int s = 0; s < shards && out.size() < limit; s++) {
            List<Object> removed = removeScript.run(sync, ScriptOutputType.MULTI, shardKeys(s), "before",
                    cutoffMillis, Integer.toString(limit - out.size()));
            for (Object o : removed) {
                out.add(UserId.of((String) o));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public List<Candidate> candidates(GeoPoint center, double radiusMeters, int limit) {
        Objects.requireNonNull(center, "center");
        if (!(radiusMeters >= 0) || Double.isInfinite(radiusMeters)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "radius must be a finite number >= 0");
        }
        if (limit < 1) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "limit must be >= 1");
        }
        long home = densityArea(center);
        double r = limit == Integer.MAX_VALUE ? radiusMeters : Math.min(radiusMeters, startRadius(home, limit));
        while (true) {
            List<Hit> hits = search(center, r, limit);
            int within = 0;
            for (Hit h : hits) {
                if (h.distance <= r) {
                    within++;
                }
            }
            if (within >= limit || r >= radiusMeters) {
                hits.sort(Comparator.comparingDouble((Hit h) -> h.distance).thenComparing(h -> h.user.value()));
                if (limit != Integer.MAX_VALUE && hits.size() >= limit) {
                    // Per-cell COUNT caps the hits, so learn the density from the limit-th distance.
                    double dk = hits.get(limit - 1).distance;
                    if (dk > 0) {
                        density.put(home, limit / (Math.PI * dk * dk));
                    }
                }
                return finish(hits, radiusMeters, limit);
            }
            double grow = within == 0 ? 4.0 : Math.max(1.5, Math.sqrt((double) limit / within) * 1.25);
            r = Math.min(radiusMeters, Math.max(r * grow, 1.0));
        }
    }

    /** Number of indexed users: one pipelined {@code ZCARD} per shard. */
    @Override
    public int size() {
        List<RedisFuture<Long>> counts = new ArrayList<>(shards);
        try {
            for (int s = 0; s < shards; s++) {
                counts.add(async.zcard(shardKeys(s)[1]));
            }
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable counting the proximity index", e);
        }
        long sum = 0;
        for (RedisFuture<Long> f : counts) {
            sum += RedisSupport.await(f, timeoutMillis, "counting the proximity index");
        }
        return (int) Math.min(Integer.MAX_VALUE, sum);
    }

    private double startRadius(long home, int limit) {
        Double d = density.get(home);
        if (d == null || d <= 0) {
            return initialRadius;
        }
        return Math.max(10.0, Math.sqrt(limit / (Math.PI * d)) * 1.2);
    }

    private static List<Candidate> finish(List<Hit> hits, double radius, int limit) {
        double max = radius * (1 + 1e-9) + 1e-6;
        hits.sort(Comparator.comparingDouble((Hit h) -> h.distance).thenComparing(h -> h.user.value()));
        Set<UserId> seen = new HashSet<>();
        List<Candidate> out = new ArrayList<>(Math.min(limit, hits.size()));
        for (Hit h : hits) {
            if (out.size() >= limit || h.distance > max) {
                break;
            }
            if (seen.add(h.user)) {
                out.add(new Candidate(h.user, h.point, h.observedAt));
            }
        }
        return List.copyOf(out);
    }

    private List<Hit> search(GeoPoint center, double r, int limit) {
        BoundingBox box = BoundingBox.around(center, r);
        // GEOSEARCH refuses centres beyond the GEO latitudes: search from the nearest allowed point
        // with a radius grown by the offset, without COUNT (its order is not the centre's order).
        double geoLat = Math.max(-POLAR_LAT + 1e-6, Math.min(POLAR_LAT - 1e-6, center.lat()));
        double offset = geoLat == center.lat() ? 0 : GeoDistance.meters(center.lat(), center.lon(), geoLat, center.lon());
        double redisRadius = (r + offset) * TO_REDIS * (1 + 1e-9) + 1e-3;
        // Each shard is first asked for a share of the limit (not the whole limit, which made a query next
        // to thousands of users on one spot read all of them); a shard whose share was full and whose
        // farthest answer is nearer than the k-th overall is asked again for the whole limit.
        boolean counted = limit != Integer.MAX_VALUE && offset == 0;
        int share = counted && shards > 1 ? (int) Math.min(limit, 2L * limit / shards + 16) : limit;
        GeoArgs args = new GeoArgs().withCoordinates().asc();
        if (counted) {
            args.withCount(share);
        }
        boolean nearPole = box.maxLat() >= POLAR_LAT || box.minLat() <= -POLAR_LAT;
        boolean withinGeo = Math.min(box.maxLat(), POLAR_LAT) > Math.max(box.minLat(), -POLAR_LAT);
        try {
            List<RedisFuture<List<GeoWithin<String>>>> futures = new ArrayList<>(shards);
            List<RedisFuture<List<String>>> polar = new ArrayList<>();
            Range<Double> band = Range.create(box.minLat(), box.maxLat());
            for (int s = 0; s < shards; s++) {
                String[] keys = shardKeys(s);
                if (withinGeo) {
                    futures.add(async.geosearch(keys[2], GeoSearch.fromCoordinates(center.lon(), geoLat),
                            GeoSearch.byRadius(redisRadius, GeoArgs.Unit.m), args));
                }
                if (nearPole) {
                    polar.add(async.zrangebyscore(keys[4], band));
                }
            }
            List<Hit> hits = new ArrayList<>();
            List<List<Hit>> perShard = new ArrayList<>(futures.size());
            for (RedisFuture<List<GeoWithin<String>>> f : futures) {
                List<Hit> shardHits = new ArrayList<>();
                addGeoHits(center, f.get(timeoutMillis, TimeUnit.MILLISECONDS), shardHits);
                perShard.add(shardHits);
                hits.addAll(shardHits);
            }
            if (counted && share < limit) {
                double kth = Double.POSITIVE_INFINITY;
                if (hits.size() >= limit) {
                    double[] d = new double[hits.size()];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = hits.get(i).distance;
                    }
                    java.util.Arrays.sort(d);
                    kth = d[limit - 1];
                }
                List<Integer> again = new ArrayList<>();
                List<RedisFuture<List<GeoWithin<String>>>> more = new ArrayList<>();
                GeoArgs all = new GeoArgs().withCoordinates().asc().withCount(limit);
                for (int s = 0; s < perShard.size(); s++) {
                    List<Hit> sh = perShard.get(s);
                    if (sh.size() >= share && sh.get(sh.size() - 1).distance < kth) {
                        again.add(s);
                        more.add(async.geosearch(shardKeys(s)[2], GeoSearch.fromCoordinates(center.lon(), geoLat),
                                GeoSearch.byRadius(redisRadius, GeoArgs.Unit.m), all));
                    }
                }
                for (int i = 0; i < again.size(); i++) {
                    hits.removeAll(perShard.get(again.get(i)));
                    addGeoHits(center, more.get(i).get(timeoutMillis, TimeUnit.MILLISECONDS), hits);
                }
            }
            for (RedisFuture<List<String>> f : polar) {
                for (String m : f.get(timeoutMillis, TimeUnit.MILLISECONDS)) {
                    // <user>|<lat>|<lon>|<observedAtMillis>; the user may contain '|'.
                    int c = m.lastIndexOf('|');
                    int b = m.lastIndexOf('|', c - 1);
                    int a = m.lastIndexOf('|', b - 1);
                    GeoPoint p = GeoPoint.ofLatLon(Double.parseDouble(m.substring(a + 1, b)),
                            Double.parseDouble(m.substring(b + 1, c)));
                    double d = GeoDistance.meters(center, p);
                    if (d <= r * (1 + 1e-9) + 1e-6) {
                        hits.add(new Hit(UserId.of(m.substring(0, a)), p, Instant.ofEpochMilli(Long.parseLong(
                                m.substring(c + 1))), d));
                    }
                }
            }
            return hits;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while querying the proximity index", e);
        } catch (ExecutionException | TimeoutException | RedisException e) {
            throw new BackendUnavailableException("Redis unavailable querying the proximity index", e);
        }
    }

    private static void addGeoHits(GeoPoint center, List<GeoWithin<String>> found, List<Hit> into) {
        for (GeoWithin<String> w : found) {
            String m = w.getMember();
            int bar = m.lastIndexOf('|');
            double lat = Math.max(-90, Math.min(90, w.getCoordinates().getY().doubleValue()));
            double lon = Math.max(-180, Math.min(180, w.getCoordinates().getX().doubleValue()));
            GeoPoint p = GeoPoint.ofLatLon(lat, lon);
            into.add(new Hit(UserId.of(m.substring(0, bar)), p,
                    Instant.ofEpochMilli(Long.parseLong(m.substring(bar + 1))), GeoDistance.meters(center, p)));
        }
    }

    /** The shard of a user: {@code floorMod(user.hashCode(), shards)} (String hashing is specified, so every node agrees). */
    int shardOf(UserId user) {
        return Math.floorMod(user.value().hashCode(), shards);
    }

    /**
     * The keys of one shard, in the order every script takes them: users hash, seen zset, GEO set,
     * legacy polar hash, polar zset. All carry the hash tag {@code {g<shard>}}, so they are in one
     * cluster slot.
     */
    String[] shardKeys(int shard) {
        String tag = prefix + "{g" + shard + "}:";
        return new String[] {tag + "users", tag + "seen", tag + "pos", tag + POLAR, tag + "polarz"};
    }

    private static String[] upsertArgs(UserId user, GeoPoint point, long observedMillis) {
        boolean polar = Math.abs(point.lat()) >= POLAR_LAT;
        return new String[] {user.value(), user.value() + "|" + observedMillis, Double.toString(point.lon()),
                Double.toString(point.lat()), Long.toString(observedMillis), polar ? "1" : "0"};
    }

    /** Areas of one degree of latitude and longitude for the learned density (at most 180 × 360 of them). */
    private static long densityArea(GeoPoint p) {
        long band = (long) Math.floor(p.lat() + 90.0);
        long col = (long) Math.floor(p.lon() + 180.0);
        return band * 1_000 + col;
    }

    private record Hit(UserId user, GeoPoint point, Instant observedAt, double distance) {}

    /** Options for {@link RedisProximityIndex}. Not thread-safe. */
    public static final class Builder extends RedisStoreBuilder<Builder> {
        private int shards = 16;
        private double initialRadiusMeters = 1_000;

        private Builder(Commands commands) {
            super(commands, Duration.ofSeconds(5));
        }

        /**
         * Number of shards (hash slots) users are spread over, 1..1024 (default 16). A write touches one
         * shard, a query sends one pipelined {@code GEOSEARCH} to every shard, so more shards spread
         * data and writes over more cluster nodes at the price of more commands per query (1 is the
         * cheapest on a single server). Must be the same on every node (checked against the value
         * stored under the prefix) and never change for existing data.
         */
        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        /** First search radius before a density is learned (default 1 km). */
        public Builder initialRadiusMeters(double meters) {
            this.initialRadiusMeters = meters;
            return this;
        }

        /**
         * @throws IllegalArgumentException for a bad prefix, shard count, radius or timeout
         * @throws IllegalStateException if the prefix holds an index with another shard count
         */
        public RedisProximityIndex build() {
            checkShared();
            RedisSupport.checkSlots("shards", shards);
            Checks.between("initialRadiusMeters", initialRadiusMeters, 1, Double.MAX_VALUE);
            return new RedisProximityIndex(this);
        }
    }
}
