package dev.vicinity.bench.geo;

import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import java.time.Instant;
import java.util.List;
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
 * "k nearest within R" on the in-memory grid index: 1,000,000 users uniformly in a 40 km x 40 km box
 * around (52.52, 13.405), 50 nearest within 1 km and 5 km of random points in the box. SampleTime
 * gives p50/p99 per query.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class ProximityIndexBenchmark {
    @Param({"1000000"})
    public int users;

    @Param({"250"})
    public double cellMeters;

    private InMemoryProximityIndex index;
    private GeoPoint[] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        GeoDataset data = new GeoDataset(users, 42);
        index = new InMemoryProximityIndex(cellMeters);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < users; i++) {
            index.upsert(data.users[i], data.point(i), t);
        }
        queries = GeoDataset.queryPoints(1 << 16, 7);
    }

    private GeoPoint nextQuery() {
        return queries[next++ & (queries.length - 1)];
    }

    /** 50 nearest within 1 km. */
    @Benchmark
    public List<Candidate> nearest50Within1km() {
        return index.candidates(nextQuery(), 1_000, 50);
    }

    /** 50 nearest within 5 km. */
    @Benchmark
    public List<Candidate> nearest50Within5km() {
        return index.candidates(nextQuery(), 5_000, 50);
    }
}
