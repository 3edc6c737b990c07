package dev.vicinity.bench.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.postgres.PostgresVicinity;
import java.sql.SQLException;
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
 * Location updates per second into the 1M-user proximity table (GiST maintained): batches of 1,000
 * moves through {@code upsertAll} (one statement per batch) versus one {@code upsert} statement per move,
 * two client threads. Users move to random points of the same box, so the data set is marked modified
 * and reloaded by the next nearest-query run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(2)
public class PostgresLocationUpdateBenchmark {
    static final int BATCH = 1_000;

    @Param({"1000000"})
    public int users;

    HikariDataSource ds;
    PostgresVicinity pg;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        ds = PgBench.pool(4);
        pg = PgBench.adapter(ds);
        PgBench.ensureDataset(pg, ds, users);
        PgBench.markDirty(ds);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ds.close();
    }

    /** Per-thread random source. */
    @State(Scope.Thread)
    public static class Mover {
        SplittableRandom rnd;
        long t;

        @Setup
        public void setUp() {
            rnd = new SplittableRandom(Thread.currentThread().getId());
        }

        Candidate move(int users) {
            int i = rnd.nextInt(users);
            GeoPoint p = GeoPoint.ofLatLon(PgBench.CENTER_LAT + (rnd.nextDouble() * 2 - 1) * PgBench.HALF_LAT,
                    PgBench.CENTER_LON + (rnd.nextDouble() * 2 - 1) * PgBench.HALF_LON);
            return new Candidate(UserId.of("u" + i), p, PgBench.T0.plusMillis(++t));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int batchedUpserts(Mover m) {
        List<Candidate> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(m.move(users));
        }
        return pg.proximityIndex().upsertAll(batch);
    }

    @Benchmark
    public void singleUpserts(Mover m) {
        Candidate c = m.move(users);
        pg.proximityIndex().upsert(c.user(), c.point(), c.observedAt());
    }
}
