package dev.vicinity.bench.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.postgres.PostgresVicinity;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rating submits per second: {@code PostgresRatingStore.insertIfAbsent} of a revealed rating (row
 * insert, ratee aggregate upsert and platform stripe increment in one transaction) versus the same
 * three statements written by hand on plain JDBC, driven the same way (a pooled connection per submit,
 * one transaction, four client threads, 1,000 ratees).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(4)
public class PostgresRatingBenchmark {
    static final int RATEES = 1_000;
    static final String S = PgBench.SCHEMA;

    HikariDataSource ds;
    PostgresVicinity pg;
    final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        ds = PgBench.pool(8);
        pg = PgBench.adapter(ds);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE " + S + ".rating, " + S + ".rating_aggregate");
            st.execute("UPDATE " + S + ".rating_platform SET n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ds.close();
    }

    /** Per-thread key source: every submit is a new (session, rater, ratee). */
    @State(Scope.Thread)
    public static class Keys {
        SplittableRandom rnd;
        String prefix;
        long n;

        @Setup
        public void setUp(PostgresRatingBenchmark b) {
            int t = b.threads.incrementAndGet();
            rnd = new SplittableRandom(t);
            prefix = "b" + System.nanoTime() + "-" + t + "-";
        }

        Rating next() {
            RatingKey key = RatingKey.of(SessionId.of(prefix + (++n)), UserId.of(prefix + "rater"),
                    UserId.of("ratee" + rnd.nextInt(RATEES)));
            return Rating.create(key, 1 + rnd.nextInt(5), Set.of("kind"), "thanks", null, RatingState.REVEALED,
                    PgBench.T0, PgBench.T0.plusSeconds(86_400));
        }
    }

    @Benchmark
    public Object adapterSubmit(Keys k) {
        return pg.ratingStore().insertIfAbsent(k.next());
    }

    @Benchmark
    public int rawSqlSubmit(Keys k) throws SQLException {
        Rating r = k.next();
        int col = r.stars();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                int inserted;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + S + ".rating (session_id, rater, ratee,"
                        + " stars, tags, comment_utf8, idempotency_key, state, submitted_at_ns, reveal_at_ns, updated_at_ns,"
                        + " version) VALUES (?, ?, ?, ?, ?, ?, ?, 'revealed', ?, ?, ?, 1) ON CONFLICT DO NOTHING")) {
                    ps.setString(1, r.key().session().value());
                    ps.setString(2, r.key().rater().value());
                    ps.setString(3, r.key().ratee().value());
                    ps.setInt(4, r.stars());
                    ps.setArray(5, c.createArrayOf("text", r.tags().toArray()));
                    ps.setBytes(6, r.comment().getBytes(StandardCharsets.UTF_8));
                    ps.setString(7, null);
                    long ns = r.submittedAt().getEpochSecond() * 1_000_000_000L;
                    ps.setLong(8, ns);
                    ps.setLong(9, r.revealAt().getEpochSecond() * 1_000_000_000L);
                    ps.setLong(10, ns);
                    inserted = ps.executeUpdate();
                }
                if (inserted == 1) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + S + ".rating_aggregate AS a (user_id, n"
                            + col + ") VALUES (?, 1) ON CONFLICT (user_id) DO UPDATE SET n" + col + " = a.n" + col + " + 1")) {
                        ps.setString(1, r.key().ratee().value());
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + S + ".rating_platform SET n" + col + " = n"
                            + col + " + 1 WHERE stripe = ?")) {
                        ps.setInt(1, Math.floorMod(r.key().ratee().value().hashCode(), 16));
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return inserted;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
