package dev.vicinity.bench.h2gis;

import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.h2gis.H2gisVicinity;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * "50 nearest within 5 km" through the H2GIS adapter (spatial R-tree, constant bounding boxes,
 * canonical distance in Java) on an in-memory H2 database: users uniform in a 40 km x 40 km city.
 * SampleTime gives p50/p99 per query.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g"})
public class H2gisProximityBenchmark {
    @Param({"100000", "1000000"})
    public int users;

    private H2gisVicinity db;
    private GeoPoint[] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        db = H2gisCity.load(users, 42);
        queries = H2gisCity.points(1 << 14, 7);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
    }

    /** 50 nearest within 5 km. */
    @Benchmark
    public List<Candidate> nearest50Within5km() {
        return db.proximityIndex().candidates(queries[next++ & (queries.length - 1)], 5_000, 50);
    }
}
