package dev.vicinity.redis;

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
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
 * The earth is cut into cells of about {@link Builder#cellDegrees} degrees (latitude bands, each cut
 * into as many longitude cells as keep them roughly square); each non-empty cell is one GEO key
 * {@code <prefix>:geo:{c<band>.<cell>}} whose members are {@code <user>|<observedAtMillis>}, so a
 * query needs no second lookup. Each cell key carries its own hash tag, so a cluster spreads cells
 * over its shards. A hash {@code users} (user → cell and member), a sorted set {@code seen} (user →
 * observed-at, for expiry of stale entries and {@link #size()}) and a set {@code cells} (non-empty
 * cells) complete it. Positions beyond Redis' GEO latitude limit (±85.05113°) are kept in a small
 * {@code polar} hash and filtered by brute force.
 *
 * <h2>Queries</h2>
 * {@link #candidates} starts with a radius expected to hold about {@code limit} users (learned from
 * earlier queries per cell; {@link Builder#initialRadiusMeters} before that), searches the cells
 * the radius touches with one pipelined {@code GEOSEARCH … BYRADIUS r ASC COUNT limit} per cell,
 * and widens the radius until {@code limit} users are found within it or the requested radius is
 * reached. Redis' distance is haversine on a slightly different sphere, so its order equals the
 * canonical order and its radius is converted exactly; candidates are ranked by
 * {@link GeoDistance}. Cost: O(rounds × (touched cells + users within the last radius)); with a
 * learned density, one or two rounds.
 *
 * <h2>Guarantees</h2>
 * {@link #upsert} and {@link #remove} are one Lua script each (atomic on a single server); a query
 * sees each user at most once (results are de-duplicated by user). Positions come back as Redis
 * decodes them (within 0.6 m); observation times at millisecond precision. Thread-safe (Lettuce
 * connections are). Scripts touch the user's old and new cell, so on Redis Cluster all geo keys of
 * one deployment must live on one node (see docs/adapters/redis.md). Redis errors surface as
 * {@link BackendUnavailableException}.
 */
public final class RedisProximityIndex implements ProximityIndex {
    /** Latitude limit of Redis GEO commands. */
    static final double MAX_GEO_LAT = 85.05112878;
    /** Earth radius Redis uses for GEO distances. */
    static final double REDIS_EARTH_RADIUS = 6372797.560856;
    private static final double TO_REDIS = REDIS_EARTH_RADIUS / GeoDistance.EARTH_RADIUS_METERS;
    private static final int MAX_CELLS_WITHOUT_LOOKUP = 128;

    private final LuaScript upsertScript = LuaScript.load(RedisProximityIndex.class, "geo-upsert.lua");
    private final LuaScript removeScript = LuaScript.load(RedisProximityIndex.class, "geo-remove.lua");

    private final RedisCommands<String, String> sync;
    private final RedisAsyncCommands<String, String> async;
    private final String prefix;
    private final String usersKey;
    private final String seenKey;
    private final String cellsKey;
    private final String polarKey;
    private final double cellDegrees;
    private final int bands;
    private final double initialRadius;
    private final long timeoutMillis;
    /** Users per square metre, learned per cell from earlier queries; a heuristic only. */
    private final Map<String, Double> density = new ConcurrentHashMap<>();

    private RedisProximityIndex(Builder b) {
        this.sync = b.connection.sync();
        this.async = b.connection.async();
        this.prefix = b.keyPrefix + ":geo:";
        this.usersKey = prefix + "{idx}:users";
        this.seenKey = prefix + "{idx}:seen";
        this.cellsKey = prefix + "{idx}:cells";
        this.polarKey = prefix + "{idx}:polar";
        this.cellDegrees = b.cellDegrees;
        this.bands = (int) Math.ceil(180.0 / cellDegrees);
        this.initialRadius = b.initialRadiusMeters;
        this.timeoutMillis = b.commandTimeout.toMillis();
        String configKey = prefix + "{idx}:cell-degrees";
        try {
            sync.setnx(configKey, Double.toString(cellDegrees));
            String stored = sync.get(configKey);
            if (stored != null && Double.parseDouble(stored) != cellDegrees) {
                throw new IllegalStateException("the index under prefix " + b.keyPrefix + " was built with cellDegrees="
                        + stored + ", not " + cellDegrees + "; every node must use the same value");
            }
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable creating the proximity index", e);
        }
    }

    /** Starts a builder on the host's connection (the connection stays owned by the host). */
    public static Builder builder(StatefulRedisConnection<String, String> connection) {
        return new Builder(connection);
    }

    /** One script: the user's old entry (any cell) is removed and the new one added atomically. O(log n). */
    @Override
    public void upsert(UserId user, GeoPoint point, Instant observedAt) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(point, "point");
        long obs = observedAt.toEpochMilli();
        boolean polar = Math.abs(point.lat()) > MAX_GEO_LAT;
        String target = polar ? "polar" : cellTag(point.lat(), point.lon());
        String targetKey = polar ? polarKey : prefix + target;
        upsertScript.run(sync, ScriptOutputType.INTEGER, new String[] {usersKey, seenKey, targetKey, cellsKey},
                prefix, user.value(), user.value() + "|" + obs, Double.toString(point.lon()),
                Double.toString(point.lat()), Long.toString(obs), target);
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
            GeoPoint point = e.getValue();
            String user = e.getKey().value();
            boolean polar = Math.abs(point.lat()) > MAX_GEO_LAT;
            String target = polar ? "polar" : cellTag(point.lat(), point.lon());
            futures.add(async.evalsha(sha, ScriptOutputType.INTEGER,
                    new String[] {usersKey, seenKey, polar ? polarKey : prefix + target, cellsKey},
                    prefix, user, user + "|" + obs, Double.toString(point.lon()), Double.toString(point.lat()),
                    Long.toString(obs), target));
        }
        for (RedisFuture<Long> f : futures) {
            try {
                f.get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("interrupted while upserting a batch", ex);
            } catch (ExecutionException | TimeoutException | RedisException ex) {
                throw new BackendUnavailableException("Redis unavailable upserting a batch", ex);
            }
        }
    }

    /** One script. O(log n). */
    @Override
    public boolean remove(UserId user) {
        Objects.requireNonNull(user, "user");
        List<Object> removed = removeScript.run(sync, ScriptOutputType.MULTI,
                new String[] {usersKey, seenKey, cellsKey}, prefix, "user", user.value(), "1");
        return !removed.isEmpty();
    }

    /**
     * Removes up to {@code limit} users whose indexed observation is strictly before {@code cutoff}
     * (stale entries, e.g. of users who stopped sending fixes), in one script. Hosts that keep a
     * {@link dev.vicinity.geo.spi.LocationStore} let the location sweeper do this; this method serves
     * deployments that use the index alone. O(limit × log n).
     *
     * @return the users removed
     */
    public List<UserId> removeObservedBefore(Instant cutoff, int limit) {
        if (limit < 1) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "limit must be >= 1");
        }
        List<Object> removed = removeScript.run(sync, ScriptOutputType.MULTI,
                new String[] {usersKey, seenKey, cellsKey}, prefix, "before",
                Long.toString(cutoff.toEpochMilli()), Integer.toString(limit));
        List<UserId> out = new ArrayList<>(removed.size());
        for (Object o : removed) {
            out.add(UserId.of((String) o));
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
        String home = Math.abs(center.lat()) > MAX_GEO_LAT ? "polar" : cellTag(center.lat(), center.lon());
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

    /** Number of indexed users: one {@code ZCARD}. */
    @Override
    public int size() {
        try {
            return (int) Math.min(Integer.MAX_VALUE, sync.zcard(seenKey));
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable counting the proximity index", e);
        }
    }

    private double startRadius(String home, int limit) {
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
        List<String> cells = cellsOf(box);
        // GEOSEARCH refuses centres beyond the GEO latitudes: search from the nearest allowed point
        // with a radius grown by the offset, without COUNT (its order is not the centre's order).
        double geoLat = Math.max(-MAX_GEO_LAT + 1e-6, Math.min(MAX_GEO_LAT - 1e-6, center.lat()));
        double offset = geoLat == center.lat() ? 0 : GeoDistance.meters(center.lat(), center.lon(), geoLat, center.lon());
        double redisRadius = (r + offset) * TO_REDIS * (1 + 1e-9) + 1e-3;
        GeoArgs args = new GeoArgs().withCoordinates().asc();
        if (limit != Integer.MAX_VALUE && offset == 0) {
            args.withCount(limit);
        }
        try {
            List<RedisFuture<List<GeoWithin<String>>>> futures = new ArrayList<>(cells.size());
            for (String cell : cells) {
                futures.add(async.geosearch(prefix + cell, GeoSearch.fromCoordinates(center.lon(), geoLat),
                        GeoSearch.byRadius(redisRadius, GeoArgs.Unit.m), args));
            }
            RedisFuture<Map<String, String>> polar = null;
            if (box.maxLat() > MAX_GEO_LAT || box.minLat() < -MAX_GEO_LAT) {
                polar = async.hgetall(polarKey);
            }
            List<Hit> hits = new ArrayList<>();
            for (RedisFuture<List<GeoWithin<String>>> f : futures) {
                for (GeoWithin<String> w : f.get(timeoutMillis, TimeUnit.MILLISECONDS)) {
                    String m = w.getMember();
                    int bar = m.lastIndexOf('|');
                    double lat = Math.max(-90, Math.min(90, w.getCoordinates().getY().doubleValue()));
                    double lon = Math.max(-180, Math.min(180, w.getCoordinates().getX().doubleValue()));
                    GeoPoint p = GeoPoint.ofLatLon(lat, lon);
                    hits.add(new Hit(UserId.of(m.substring(0, bar)), p,
                            Instant.ofEpochMilli(Long.parseLong(m.substring(bar + 1))), GeoDistance.meters(center, p)));
                }
            }
            if (polar != null) {
                for (Map.Entry<String, String> e : polar.get(timeoutMillis, TimeUnit.MILLISECONDS).entrySet()) {
                    String[] f = e.getValue().split(",");
                    GeoPoint p = GeoPoint.ofLatLon(Double.parseDouble(f[0]), Double.parseDouble(f[1]));
                    double d = GeoDistance.meters(center, p);
                    if (d <= r * (1 + 1e-9) + 1e-6) {
                        hits.add(new Hit(UserId.of(e.getKey()), p, Instant.ofEpochMilli(Long.parseLong(f[2])), d));
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

    /** Tags of the cells (within GEO latitudes) that intersect {@code box}. */
    private List<String> cellsOf(BoundingBox box) {
        double minLat = Math.max(box.minLat(), -MAX_GEO_LAT);
        double maxLat = Math.min(box.maxLat(), MAX_GEO_LAT);
        if (minLat > maxLat) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int b = band(minLat); b <= band(maxLat); b++) {
            int n = lonCells(b);
            if (box.allLongitudes()) {
                for (int i = 0; i < n; i++) {
                    out.add(tag(b, i));
                }
            } else if (box.crossesAntimeridian()) {
                for (int i = lonIndex(box.minLon(), n); i < n; i++) {
                    out.add(tag(b, i));
                }
                for (int i = 0; i <= lonIndex(box.maxLon(), n); i++) {
                    out.add(tag(b, i));
                }
            } else {
                for (int i = lonIndex(box.minLon(), n); i <= lonIndex(box.maxLon(), n); i++) {
                    out.add(tag(b, i));
                }
            }
        }
        if (out.size() > MAX_CELLS_WITHOUT_LOOKUP) {
            // A huge radius: ask which cells hold anyone instead of searching thousands of empty keys.
            try {
                out.retainAll(sync.smembers(cellsKey));
            } catch (RedisException e) {
                throw new BackendUnavailableException("Redis unavailable listing proximity cells", e);
            }
        }
        return new ArrayList<>(out);
    }

    private String cellTag(double lat, double lon) {
        int b = band(lat);
        return tag(b, lonIndex(lon, lonCells(b)));
    }

    private static String tag(int band, int cell) {
        return "{c" + band + "." + cell + "}";
    }

    private int band(double lat) {
        return Math.max(0, Math.min(bands - 1, (int) Math.floor((lat + 90.0) / cellDegrees)));
    }

    private int lonCells(int band) {
        double south = -90.0 + band * cellDegrees;
        double north = Math.min(90.0, south + cellDegrees);
        double poleward = Math.max(Math.abs(south), Math.abs(north));
        return Math.max(1, (int) Math.floor(360.0 * Math.cos(Math.toRadians(poleward)) / cellDegrees));
    }

    private static int lonIndex(double lon, int n) {
        return Math.max(0, Math.min(n - 1, (int) Math.floor((lon + 180.0) / 360.0 * n)));
    }

    private record Hit(UserId user, GeoPoint point, Instant observedAt, double distance) {}

    /** Options for {@link RedisProximityIndex}. Not thread-safe. */
    public static final class Builder {
        private final StatefulRedisConnection<String, String> connection;
        private String keyPrefix = "vicinity";
        private double cellDegrees = 1.0;
        private double initialRadiusMeters = 1_000;
        private Duration commandTimeout = Duration.ofSeconds(5);

        private Builder(StatefulRedisConnection<String, String> connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
        }

        /** Prefix of every key (default {@code vicinity}). */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Cell size in degrees of latitude (default 1, about 111 km); must be the same on every node
         * (checked against the value stored under the prefix). Range 0.01..10.
         */
        public Builder cellDegrees(double cellDegrees) {
            this.cellDegrees = cellDegrees;
            return this;
        }

        /** First search radius before a density is learned (default 1 km). */
        public Builder initialRadiusMeters(double meters) {
            this.initialRadiusMeters = meters;
            return this;
        }

        /** How long one query waits for Redis (default 5 s). */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = timeout;
            return this;
        }

        /**
         * @throws IllegalArgumentException for a bad prefix, cell size, radius or timeout
         * @throws IllegalStateException if the prefix holds an index with another cell size
         */
        public RedisProximityIndex build() {
            RedisSupport.checkKeyPrefix(keyPrefix);
            if (!(cellDegrees >= 0.01 && cellDegrees <= 10)) {
                throw new IllegalArgumentException("cellDegrees must be within 0.01..10, got " + cellDegrees);
            }
            if (!(initialRadiusMeters >= 1) || Double.isInfinite(initialRadiusMeters)) {
                throw new IllegalArgumentException("initialRadiusMeters must be finite and >= 1");
            }
            if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
                throw new IllegalArgumentException("commandTimeout must be positive");
            }
            return new RedisProximityIndex(this);
        }
    }
}
