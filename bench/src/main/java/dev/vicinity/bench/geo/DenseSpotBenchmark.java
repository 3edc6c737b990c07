package dev.vicinity.bench.geo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoGrid;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.h2gis.H2gisProximityIndex;
import dev.vicinity.h2gis.H2gisVicinity;
import dev.vicinity.geo.memory.InMemoryBlockList;
import dev.vicinity.geo.memory.InMemoryLocationStore;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import dev.vicinity.postgres.PostgresProximityIndex;
import dev.vicinity.postgres.PostgresVicinity;
import dev.vicinity.redis.RedisLocationStore;
import dev.vicinity.redis.RedisProximityIndex;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nearby queries on pathological data, beside a normal query on the same backend in the same run
 * (issue 17, item 8). Data: 50,000 users uniform in a 10 km x 10 km box around (52.52, 13.405)
 * (500 per km², about the density of the 1M city), 8,000 users at one identical coordinate inside it,
 * and 20,500 users in the North polar cap beyond 85.06° (500 of them within 5 km of the pole), all
 * at their 250 m cell centres. Queries go through the full matcher (no score, no filter, rate limit
 * off): 50 nearest within 5 km of a querier that is a random city user ({@code normal}), at the dense
 * spot ({@code denseSpot}) or next to the North Pole ({@code pole}). SampleTime gives p50/p99.
 *
 * <p>Backends: {@code memory}; {@code h2gis} (in-memory H2); {@code postgres} (schema
 * {@code vicinity_bench_dense} on the server of {@code VICINITY_PG_*}, emptied first); {@code redis}
 * (a fresh key prefix on {@code VICINITY_REDIS_URL}, deleted afterwards).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class DenseSpotBenchmark {
    static final int CITY = 50_000;
    static final int DENSE = 8_000;
    static final int POLAR = 20_000;
    static final int NEAR_POLE = 500;
    static final double M = dev.vicinity.geo.GeoDistance.METERS_PER_DEGREE;

    @Param({"memory", "h2gis", "postgres", "redis"})
    public String backend;

    private NearbyMatcher matcher;
    private UserId[] normal;
    private UserId[] dense;
    private UserId[] pole;
    private int next;
    private AutoCloseable cleanup;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        GeoGrid grid = GeoGrid.withCellSize(250);
        LocationStore store;
        ProximityIndex index;
        List<Candidate> data = dataset(grid, now);
        switch (backend) {
            case "memory" -> {
                store = new InMemoryLocationStore();
                index = new InMemoryProximityIndex(250);
                for (Candidate c : data) {
                    index.upsert(c.user(), c.point(), c.observedAt());
                }
                cleanup = () -> { };
            }
            case "h2gis" -> {
                H2gisVicinity db = H2gisVicinity.builder("jdbc:h2:mem:dense-" + UUID.randomUUID())
                        .loadH2gisFunctions(false).maxConnections(4).build();
                db.schemaInstaller().install();
                store = db.locationStore();
                index = db.proximityIndex();
                for (int i = 0; i < data.size(); i += 10_000) {
                    ((H2gisProximityIndex) index).upsertAll(data.subList(i, Math.min(data.size(), i + 10_000)));
                }
                cleanup = db::close;
            }
            case "postgres" -> {
                HikariConfig c = new HikariConfig();
                c.setJdbcUrl(env("VICINITY_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
                c.setUsername(env("VICINITY_PG_USER", "postgres"));
                c.setPassword(env("VICINITY_PG_PASSWORD", ""));
                c.setMaximumPoolSize(4);
                HikariDataSource ds = new HikariDataSource(c);
                PostgresVicinity pg = PostgresVicinity.builder(ds).schema("vicinity_bench_dense").build();
                pg.schemaInstaller().install();
                try (Connection con = ds.getConnection(); Statement st = con.createStatement()) {
                    st.execute("TRUNCATE vicinity_bench_dense.proximity, vicinity_bench_dense.location");
                }
                store = pg.locationStore();
                index = pg.proximityIndex();
                for (int i = 0; i < data.size(); i += 10_000) {
                    ((PostgresProximityIndex) index).upsertAll(data.subList(i, Math.min(data.size(), i + 10_000)));
                }
                try (Connection con = ds.getConnection(); Statement st = con.createStatement()) {
                    st.execute("ANALYZE vicinity_bench_dense.proximity");
                }
                cleanup = ds::close;
            }
            case "redis" -> {
                RedisClient client = RedisClient.create(env("VICINITY_REDIS_URL", "redis://127.0.0.1:6379"));
                StatefulRedisConnection<String, String> connection = client.connect();
                String prefix = "vicinity-bench-dense-" + System.nanoTime();
                store = RedisLocationStore.builder(connection).keyPrefix(prefix).build();
                RedisProximityIndex redis = RedisProximityIndex.builder(connection).keyPrefix(prefix).build();
                index = redis;
                for (int i = 0; i < data.size(); i += 10_000) {
                    Map<UserId, GeoPoint> batch = new HashMap<>();
                    for (Candidate cand : data.subList(i, Math.min(data.size(), i + 10_000))) {
                        batch.put(cand.user(), cand.point());
                    }
                    redis.upsertAll(batch, now);
                }
                cleanup = () -> {
                    ScanCursor cursor = ScanCursor.INITIAL;
                    do {
                        KeyScanCursor<String> page = connection.sync().scan(cursor,
                                ScanArgs.Builder.matches(prefix + ":*").limit(1000));
                        if (!page.getKeys().isEmpty()) {
                            connection.sync().unlink(page.getKeys().toArray(new String[0]));
                        }
                        cursor = page;
                    } while (!cursor.isFinished());
                    connection.close();
                    client.shutdown();
                };
            }
            default -> throw new IllegalArgumentException(backend);
        }
        LocationService locations = LocationService.builder(store, index).clock(clock).cellMeters(250)
                .noUpdateRateLimit().minCellDwell(Duration.ZERO).build();
        // Queriers: their locations go through ingest (store + index); 64 of each kind.
        SplittableRandom rnd = new SplittableRandom(99);
        normal = new UserId[64];
        dense = new UserId[64];
        pole = new UserId[64];
        for (int i = 0; i < 64; i++) {
            normal[i] = UserId.of("qn" + i);
            locations.submit(normal[i], LocationFix.manual(52.52 + (rnd.nextDouble() - 0.5) * 8_000 / M,
                    13.405 + (rnd.nextDouble() - 0.5) * 8_000 / M / Math.cos(Math.toRadians(52.52)), now));
            dense[i] = UserId.of("qd" + i);
            locations.submit(dense[i], LocationFix.manual(DENSE_LAT, DENSE_LON, now));
            pole[i] = UserId.of("qp" + i);
            locations.submit(pole[i], LocationFix.manual(90 - rnd.nextDouble() * 100 / M, rnd.nextDouble() * 360 - 180, now));
        }
        matcher = NearbyMatcher.builder(locations, new InMemoryBlockList(), u -> true).noRateLimit().clock(clock).build();
    }

    static final double DENSE_LAT = 52.5;
    static final double DENSE_LON = 13.38;

    static List<Candidate> dataset(GeoGrid grid, Instant now) {
        SplittableRandom rnd = new SplittableRandom(42);
        List<Candidate> out = new ArrayList<>(CITY + DENSE + POLAR + NEAR_POLE);
        double cos = Math.cos(Math.toRadians(52.52));
        for (int i = 0; i < CITY; i++) {
            out.add(new Candidate(UserId.of("c" + i), grid.snap(GeoPoint.ofLatLon(52.52 + (rnd.nextDouble() - 0.5) * 10_000 / M,
                    13.405 + (rnd.nextDouble() - 0.5) * 10_000 / M / cos)), now));
        }
        GeoPoint spot = grid.snap(GeoPoint.ofLatLon(DENSE_LAT, DENSE_LON));
        for (int i = 0; i < DENSE; i++) {
            out.add(new Candidate(UserId.of("d" + i), spot, now));
        }
        double minSin = Math.sin(Math.toRadians(85.06));
        for (int i = 0; i < POLAR; i++) { // uniform over the cap beyond 85.06 degrees
            double lat = Math.toDegrees(Math.asin(minSin + rnd.nextDouble() * (1 - minSin)));
            out.add(new Candidate(UserId.of("p" + i), grid.snap(GeoPoint.ofLatLon(lat, rnd.nextDouble() * 360 - 180)), now));
        }
        for (int i = 0; i < NEAR_POLE; i++) {
            double rho = Math.sqrt(rnd.nextDouble()) * 5_000;
            out.add(new Candidate(UserId.of("n" + i), grid.snap(GeoPoint.ofLatLon(90 - rho / M, rnd.nextDouble() * 360 - 180)),
                    now));
        }
        return out;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        cleanup.close();
    }

    private UserId pick(UserId[] from) {
        next = (next + 1) & 63;
        return from[next];
    }

    /** 50 nearest within 5 km of a random city user. */
    @Benchmark
    public NearbyPage normal() {
        return matcher.nearby(NearbyQuery.of(pick(normal), 5_000, 50));
    }

    /** 50 nearest within 5 km of a querier on the spot holding 8,000 users. */
    @Benchmark
    public NearbyPage denseSpot() {
        return matcher.nearby(NearbyQuery.of(pick(dense), 5_000, 50));
    }

    /** 50 nearest within 5 km of a querier within 100 m of the North Pole. */
    @Benchmark
    public NearbyPage pole() {
        return matcher.nearby(NearbyQuery.of(pick(pole), 5_000, 50));
    }
}
