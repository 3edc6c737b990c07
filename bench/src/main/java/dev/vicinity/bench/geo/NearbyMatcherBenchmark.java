package dev.vicinity.bench.geo;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.DistanceBuckets;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.OnlineCheck;
import dev.vicinity.geo.ScoreProvider;
import dev.vicinity.geo.UserSideTable;
import dev.vicinity.geo.memory.InMemoryBlockList;
import dev.vicinity.geo.memory.InMemoryLocationStore;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The full matcher on the 1M-user city: every user went through {@link LocationService} (snapped to
 * 250 m cells), 10 % are offline, one in 1,000 is blocked by the querier, a host score ranks inside
 * a bucket and a host predicate drops 5 %. Query: 50 nearest within 1 km / 5 km of a random user,
 * first page. Rate limit off (it would refuse a benchmark). SampleTime gives p50/p99. The online
 * state and scores come from host lambdas or from a {@link UserSideTable} ({@code callbacks}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class NearbyMatcherBenchmark {
    @Param({"1000000"})
    public int users;

    /** First distance bucket edge in metres ({@code DistanceBuckets.defaults()} when it matches). */
    @Param({"500", "1000"})
    public int firstBucketMeters;

    /**
     * How online state and scores reach the matcher: {@code lambda}, single-user host callbacks (the
     * batch forms are the looping defaults); {@code table}, a {@link UserSideTable} holding the same
     * flags and scores, read in place per bucket.
     */
    @Param({"lambda", "table"})
    public String callbacks;

    private NearbyMatcher matcher;
    private UserId[] ids;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        GeoDataset data = new GeoDataset(users, 42);
        ids = data.users;
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        LocationService locations = LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex(250))
                .clock(clock).cellMeters(250).noUpdateRateLimit().minCellDwell(java.time.Duration.ZERO).build();
        for (int i = 0; i < users; i++) {
            locations.submit(ids[i], LocationFix.precise(data.lat[i], data.lon[i], 10, now));
        }
        InMemoryBlockList blocks = new InMemoryBlockList();
        for (int i = 0; i < users; i += 1000) {
            blocks.block(ids[i], ids[(i + 7) % users]);
        }
        OnlineCheck online = u -> (u.hashCode() % 10) != 0;
        ScoreProvider score = u -> (u.hashCode() & 0xFFFF) / 65536.0 * 5;
        if ("table".equals(callbacks)) {
            UserSideTable table = new UserSideTable();
            for (UserId u : ids) {
                table.put(u, online.isOnline(u), score.score(u));
            }
            online = table;
            score = table;
        }
        matcher = NearbyMatcher.builder(locations, blocks, online)
                .scoreProvider(score)
                .filter((q, c) -> (c.hashCode() % 20) != 3)
                .buckets(firstBucketMeters == 1000 ? DistanceBuckets.ofUpperEdgesMeters(
                        1_000, 2_000, 3_000, 5_000, 10_000, 20_000, 50_000, 100_000)
                        : DistanceBuckets.ofUpperEdgesMeters(firstBucketMeters, 1_000, 2_000, 3_000, 5_000,
                        10_000, 20_000, 50_000, 100_000))
                .noRateLimit()
                .clock(clock)
                .build();
    }

    private UserId nextQuerier() {
        next = (next + 7919) % ids.length;
        return ids[next];
    }

    /** 50 nearest within 1 km, first page. */
    @Benchmark
    public NearbyPage matcher50Within1km() {
        return matcher.nearby(NearbyQuery.of(nextQuerier(), 1_000, 50));
    }

    /** 50 nearest within 5 km, first page. */
    @Benchmark
    public NearbyPage matcher50Within5km() {
        return matcher.nearby(NearbyQuery.of(nextQuerier(), 5_000, 50));
    }
}
