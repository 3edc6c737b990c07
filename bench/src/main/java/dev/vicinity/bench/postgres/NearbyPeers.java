package dev.vicinity.bench.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import dev.vicinity.postgres.PostgresVicinity;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.GeoValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * "50 nearest within R" on the issue's data set (N users uniformly in 40 km x 40 km around
 * (52.52, 13.405), seed 42), measured for Vicinity's in-memory index and its peers in one run, on the
 * same query points: the hand-written best-pattern PostGIS KNN query, the Vicinity PostgreSQL adapter,
 * and the naive Redis {@code GEOSEARCH … ASC COUNT 50}. Prints a Markdown table with p50/p99 latency,
 * single-thread throughput and the in-memory index's speed-up over each peer.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.vicinity.bench.postgres.NearbyPeers [users=1000000] [queries=2000]
 * </pre>
 * PostgreSQL and Redis locations come from VICINITY_PG_* / VICINITY_REDIS_* (loopback defaults).
 */
public final class NearbyPeers {

    private NearbyPeers() {}

    record Result(String name, double p50Micros, double p99Micros, double perSecond) {}

    private static Result measure(String name, int queries, IntConsumer query) {
        for (int i = 0; i < Math.min(500, queries); i++) {
            query.accept(i); // warm-up
        }
        long[] t = new long[queries];
        long start = System.nanoTime();
        for (int i = 0; i < queries; i++) {
            long s = System.nanoTime();
            query.accept(i);
            t[i] = System.nanoTime() - s;
        }
        long total = System.nanoTime() - start;
        Arrays.sort(t);
        return new Result(name, t[queries / 2] / 1e3, t[(int) (queries * 0.99)] / 1e3, queries / (total / 1e9));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int users = Integer.parseInt(a.getOrDefault("users", "1000000"));
        int queries = Integer.parseInt(a.getOrDefault("queries", "2000"));
        GeoPoint[] points = PgBench.points(users, 42);
        GeoPoint[] q = PgBench.queryPoints(Math.max(queries, 4096));

        InMemoryProximityIndex memory = new InMemoryProximityIndex(250);
        Instant t0 = PgBench.T0;
        for (int i = 0; i < users; i++) {
            memory.upsert(dev.vicinity.core.UserId.of("u" + i), points[i], t0);
        }

        HikariDataSource ds = PgBench.pool(2);
        PostgresVicinity pg = PgBench.adapter(ds);
        PgBench.ensureDataset(pg, ds, users);

        String redisHost = PgBench.setting("vicinity.redis.host", "VICINITY_REDIS_HOST", "127.0.0.1");
        String redisPort = PgBench.setting("vicinity.redis.port", "VICINITY_REDIS_PORT", "6379");
        RedisClient client = RedisClient.create("redis://" + redisHost + ":" + redisPort);
        StatefulRedisConnection<String, String> conn = client.connect();
        RedisCommands<String, String> redis = conn.sync();
        String key = "vicinity-bench:naive-geo:" + users;
        if (redis.zcard(key) != users) {
            System.out.println("[bench] loading " + users + " users into Redis GEO key " + key + " ...");
            redis.del(key);
            conn.setAutoFlushCommands(false);
            List<RedisFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < users; i += 1000) {
                List<GeoValue<String>> batch = new ArrayList<>();
                for (int j = i; j < Math.min(users, i + 1000); j++) {
                    batch.add(GeoValue.just(points[j].lon(), points[j].lat(), "u" + j));
                }
                @SuppressWarnings("unchecked")
                GeoValue<String>[] arr = batch.toArray(new GeoValue[0]);
                pending.add(conn.async().geoadd(key, arr));
                if (pending.size() == 50) {
                    conn.flushCommands();
                    LettuceFutures.awaitAll(Duration.ofMinutes(1), pending.toArray(new RedisFuture[0]));
                    pending.clear();
                }
            }
            conn.flushCommands();
            LettuceFutures.awaitAll(Duration.ofMinutes(1), pending.toArray(new RedisFuture[0]));
            conn.setAutoFlushCommands(true);
        }

        try (Connection raw = ds.getConnection();
             PreparedStatement best = raw.prepareStatement(PostgresNearestBenchmark.BEST_PATTERN)) {
            for (double radius : new double[] {1_000, 5_000}) {
                List<Result> rows = new ArrayList<>();
                int mq = queries * 20; // the in-memory index is fast: take more samples
                rows.add(measure("Vicinity in-memory index", mq, i -> consume(memory.candidates(q[i % q.length], radius, 50))));
                rows.add(measure("PostGIS best-pattern KNN SQL (hand-written)", queries, i -> {
                    try {
                        best.setDouble(1, q[i % q.length].lon());
                        best.setDouble(2, q[i % q.length].lat());
                        best.setDouble(3, radius);
                        try (ResultSet rs = best.executeQuery()) {
                            int n = 0;
                            while (rs.next()) {
                                n++;
                            }
                            consume(n);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
                rows.add(measure("Vicinity PostgreSQL adapter", queries,
                        i -> consume(pg.proximityIndex().candidates(q[i % q.length], radius, 50))));
                GeoArgs asc = new GeoArgs().withCount(50).asc();
                rows.add(measure("Redis GEOSEARCH ... ASC COUNT 50 (naive)", Math.max(50, queries / 10),
                        i -> consume(redis.geosearch(key, GeoSearch.fromCoordinates(q[i % q.length].lon(), q[i % q.length].lat()),
                                GeoSearch.byRadius(radius, GeoArgs.Unit.m), asc))));
                print(users, radius, rows);
            }
        }
        conn.close();
        client.shutdown();
        ds.close();
    }

    private static volatile Object sink;

    private static void consume(Object o) {
        sink = o;
    }

    private static void consume(int n) {
        sink = n;
    }

    private static void print(int users, double radius, List<Result> rows) {
        Result memory = rows.get(0);
        System.out.printf(Locale.ROOT, "%n50 nearest within %.0f m among %,d users (same run, same query points)%n%n", radius, users);
        System.out.println("| implementation | p50 µs | p99 µs | queries/s (1 thread) | in-memory index is × faster (throughput) |");
        System.out.println("|---|---|---|---|---|");
        for (Result r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %,.0f | %s |%n", r.name(), r.p50Micros(), r.p99Micros(),
                    r.perSecond(), r == memory ? "—" : String.format(Locale.ROOT, "%,.0f×", memory.perSecond() / r.perSecond()));
        }
    }
}
