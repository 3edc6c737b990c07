package dev.vicinity.bench.geo;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Location updates on the in-memory index: each op moves one random user of the 1M-user city by
 * 10-200 m in a random direction (about half of the moves change cell). Run with 2 threads (the
 * machine has 2 cores); throughput is ops/s over both threads; {@code updateSampled} gives p50/p99.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
@Threads(2)
public class ProximityUpdateBenchmark {
    private static final int USERS = 1_000_000;

    InMemoryProximityIndex index;
    UserId[] ids;
    double[] lat;
    double[] lon;
    final Instant t = Instant.parse("2026-01-01T00:00:00Z");

    @Setup(Level.Trial)
    public void setUp() {
        GeoDataset data = new GeoDataset(USERS, 42);
        index = new InMemoryProximityIndex(250);
        ids = data.users;
        lat = data.lat;
        lon = data.lon;
        for (int i = 0; i < USERS; i++) {
            index.upsert(ids[i], data.point(i), t);
        }
    }

    /** Per-thread random source and precomputed moves (so the benchmark measures the index, not trigonometry). */
    @State(Scope.Thread)
    public static class Mover {
        final SplittableRandom rnd = new SplittableRandom(Thread.currentThread().getId());
        final int[] who = new int[1 << 16];
        final double[] dLat = new double[1 << 16];
        final double[] dLon = new double[1 << 16];
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            for (int k = 0; k < who.length; k++) {
                who[k] = rnd.nextInt(USERS);
                double dist = 10 + rnd.nextDouble() * 190;
                double bearing = rnd.nextDouble() * 2 * Math.PI;
                dLat[k] = dist * Math.cos(bearing) / GeoDistance.METERS_PER_DEGREE;
                dLon[k] = dist * Math.sin(bearing) / GeoDistance.METERS_PER_DEGREE / Math.cos(Math.toRadians(GeoDataset.CENTER_LAT));
            }
        }
    }

    private void move(Mover m) {
        int k = m.i++ & (m.who.length - 1);
        int u = m.who[k];
        // Racy read of the shared arrays is fine: they only steer where the next move goes.
        double la = lat[u] + m.dLat[k];
        double lo = lon[u] + m.dLon[k];
        lat[u] = la;
        lon[u] = lo;
        index.upsert(ids[u], GeoPoint.ofLatLon(la, lo), t);
    }

    /** Update throughput. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void update(Mover m) {
        move(m);
    }

    /** Update latency distribution. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void updateSampled(Mover m) {
        move(m);
    }
}
