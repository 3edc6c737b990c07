package dev.vicinity.bench.h2gis;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.h2gis.H2gisVicinity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Location updates per second into the H2GIS proximity index (in-memory H2, 100k users already
 * indexed): one {@code upsert} per update (one MERGE, auto-commit), and batches of 1,000 updates in
 * one transaction ({@code upsertAll}). Throughput is per update.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class H2gisLocationUpdateBenchmark {
    private static final int BATCH = 1_000;

    @Param({"100000"})
    public int users;

    private H2gisVicinity db;
    private GeoPoint[] moves;
    private Instant now;

    @Setup(Level.Trial)
    public void setUp() {
        db = H2gisCity.load(users, 42);
        moves = H2gisCity.points(1 << 14, 11);
        now = H2gisCity.T0.plusSeconds(60);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
    }

    /** Per-thread cursor over users and positions. */
    @State(Scope.Thread)
    public static class Cursor {
        final SplittableRandom rnd = new SplittableRandom(Thread.currentThread().getId());
    }

    /** One update, one statement, auto-commit. */
    @Benchmark
    @Threads(2)
    public void upsertOne(Cursor cursor) {
        int u = cursor.rnd.nextInt(users);
        db.proximityIndex().upsert(UserId.of("u" + u), moves[cursor.rnd.nextInt(moves.length)], now);
    }

    /** 1,000 updates in one transaction. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int upsertBatchOf1000(Cursor cursor) {
        List<Candidate> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(new Candidate(UserId.of("u" + cursor.rnd.nextInt(users)), moves[cursor.rnd.nextInt(moves.length)], now));
        }
        return db.proximityIndex().upsertAll(batch);
    }
}
