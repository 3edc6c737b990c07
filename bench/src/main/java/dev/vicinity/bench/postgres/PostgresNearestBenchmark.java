package dev.vicinity.bench.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.postgres.PostgresVicinity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
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
 * 50 nearest within 5 km among the data set's users: through {@code PostgresProximityIndex.candidates}
 * (borrowing a pooled connection per call, as a host would) versus the hand-written best-pattern
 * PostGIS query on a connection and statement held open by the benchmark (index-ordered KNN, radius as
 * a filter on the k rows), mapping the rows to the same objects. Same data, same queries, same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PostgresNearestBenchmark {
    static final String BEST_PATTERN = "SELECT user_id, lat, lon, observed_at_ns FROM ("
            + "SELECT user_id, ST_Y(geog::geometry) AS lat, ST_X(geog::geometry) AS lon, observed_at_ns,"
            + " geog <-> ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography AS d"
            + " FROM " + PgBench.SCHEMA + ".proximity ORDER BY d LIMIT 50) k WHERE d <= ? ORDER BY d";

    @Param({"1000000"})
    public int users;

    private HikariDataSource ds;
    private PostgresVicinity pg;
    private Connection raw;
    private PreparedStatement best;
    private GeoPoint[] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        ds = PgBench.pool(4);
        pg = PgBench.adapter(ds);
        PgBench.ensureDataset(pg, ds, users);
        raw = ds.getConnection();
        best = raw.prepareStatement(BEST_PATTERN);
        queries = PgBench.queryPoints(1 << 12);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        best.close();
        raw.close();
        ds.close();
    }

    private GeoPoint nextQuery() {
        return queries[next++ & (queries.length - 1)];
    }

    @Benchmark
    public List<Candidate> adapter50Within5km() {
        return pg.proximityIndex().candidates(nextQuery(), 5_000, 50);
    }

    @Benchmark
    public List<Candidate> handWritten50Within5km() throws SQLException {
        GeoPoint q = nextQuery();
        best.setDouble(1, q.lon());
        best.setDouble(2, q.lat());
        best.setDouble(3, 5_000);
        List<Candidate> out = new ArrayList<>(50);
        try (ResultSet rs = best.executeQuery()) {
            while (rs.next()) {
                long ns = rs.getLong(4);
                out.add(new Candidate(UserId.of(rs.getString(1)), GeoPoint.ofLatLon(rs.getDouble(2), rs.getDouble(3)),
                        Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L))));
            }
        }
        return out;
    }
}
