package dev.vicinity.bench.geo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.gateway.Principal;
import dev.vicinity.geo.GeoGrid;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.ScoreProvider;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.h2gis.H2gisProximityIndex;
import dev.vicinity.node.Backends;
import dev.vicinity.node.H2gisBackend;
import dev.vicinity.node.Vicinity;
import dev.vicinity.node.VicinityBackend;
import dev.vicinity.postgres.PostgresProximityIndex;
import dev.vicinity.rating.spi.RatingStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Nearby through the full stack: a {@link Vicinity} node on a real backend (in-memory, H2GIS in
 * memory, or PostgreSQL + Redis) with {@code users} users of the 1M-user city indexed (snapped to the
 * node's 250 m privacy cells, as {@code LocationService} stores them), one in ten online (presence
 * leases through {@code PresenceService}; {@code onlineEvery}), the queriers' own locations submitted through
 * {@code LocationService}, and the node's rate limit on its backend's rate-limit store. Two matchers
 * share that node and its stores:
 * <ul>
 *   <li>{@code batched}: the node's own matcher (online check and scores asked once per distance bucket,
 *       {@code OnlineCheck.batch(presence::onlineAmong)}, {@code RatingScores.scoresOf});</li>
 *   <li>{@code perCandidate}: the same matcher options wired with the single-user callbacks
 *       ({@code presence::isOnline}, {@code scoreOf(user)}): what every query cost before issue 20.</li>
 * </ul>
 * Queries alternate between the two (same querier and radius, so both see the same conditions).
 * Every call to a backend store is counted by a proxy around the store (location store, index, block
 * list, presence, ratings, rate limit: on PostgreSQL + Redis each is one round trip), every JDBC
 * statement by a proxy around the {@code DataSource}, and the matcher's own count
 * ({@code VicinityListener.onNearbyBackendCalls}) is checked against the proxies.
 *
 * <pre>
 * java -Xms6g -Xmx6g -cp bench/target/benchmarks.jar dev.vicinity.bench.geo.NearbyFullStack \
 *     backend=postgres-redis|h2gis|memory [users=1000000] [queries=1000] [radius=5000] [onlineEvery=10]
 * </pre>
 * {@code onlineEvery=1} with a tenth of the users models an index that holds online users only.
 * PostgreSQL: {@code VICINITY_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}, user
 * {@code postgres}), schema {@code vicinity_fullstack} (dropped and reloaded). Redis:
 * {@code VICINITY_REDIS_URI} (default {@code redis://127.0.0.1:6379}), a fresh key prefix, deleted at the end.
 */
public final class NearbyFullStack {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final String SCHEMA = "vicinity_fullstack";

    /** Store calls (SPI) and JDBC statements since the last reset; the benchmark queries on one thread. */
    static final AtomicLong STORE_CALLS = new AtomicLong();
    static final AtomicLong STATEMENTS = new AtomicLong();
    /** Time spent in each store method (batched variant only), for the breakdown printed at the end. */
    static final Map<String, AtomicLong> TIME_BY_CALL = new java.util.concurrent.ConcurrentHashMap<>();
    static volatile boolean timing;

    private NearbyFullStack() {}

    record Sample(long nanos, long storeCalls, long statements, int reported) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        String backendName = a.getOrDefault("backend", "memory");
        int users = Integer.parseInt(a.getOrDefault("users", "1000000"));
        int queries = Integer.parseInt(a.getOrDefault("queries", "1000"));
        double radius = Double.parseDouble(a.getOrDefault("radius", "5000"));
        int onlineEvery = Integer.parseInt(a.getOrDefault("onlineEvery", "10"));

        HikariDataSource pool = null;
        String redisPrefix = null;
        VicinityBackend raw;
        long t0 = System.nanoTime();
        switch (backendName) {
            case "memory" -> raw = Backends.inMemory();
            case "h2gis" -> raw = H2gisBackend.inMemory("fullstack");
            case "postgres-redis" -> {
                pool = pool();
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE EXTENSION IF NOT EXISTS postgis");
                    s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
                }
                redisPrefix = "vfs" + Long.toString(System.currentTimeMillis(), 36);
                raw = dev.vicinity.node.PostgresBackend.builder(counting(pool))
                        .schema(SCHEMA)
                        .redis(dev.vicinity.node.RedisBundle.builder(redisUri()).keyPrefix(redisPrefix).build())
                        .build();
            }
            default -> throw new IllegalArgumentException("backend=memory|h2gis|postgres-redis, not " + backendName);
        }
        VicinityBackend backend = countingBackend(raw);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Vicinity node = Vicinity.builder(backend)
                .node(NodeId.of("bench"))
                .authenticator((token, device) -> Optional.of(new Principal(UserId.of(token), DeviceId.of(device))))
                .clock(clock)
                .cursorSecret("0123456789abcdef0123456789abcdef".getBytes())
                .build();
        try {
            GeoDataset data = new GeoDataset(users, 42);
            load(raw.proximityIndex(), data);
            System.out.printf(Locale.ROOT, "# %s: %,d users indexed in %.1f s%n", backendName, users,
                    (System.nanoTime() - t0) / 1e9);
            online(node, data, onlineEvery);
            int queriers = Math.min(1_000, users);
            int[] who = new int[queriers];
            for (int i = 0; i < queriers; i++) {
                who[i] = (int) ((i * 997L) % users);
                node.locations().submit(data.users[who[i]],
                        LocationFix.precise(data.lat[who[i]], data.lon[who[i]], 10, NOW));
            }
            System.out.printf(Locale.ROOT, "# %s: ready in %.1f s%n", backendName, (System.nanoTime() - t0) / 1e9);

            int[] reported = new int[1];
            int[] batchCalls = new int[1];
            VicinityListener counting = new VicinityListener() {
                @Override
                public void onNearbyBackendCalls(UserId querier, int backendCalls) {
                    reported[0] = backendCalls;
                }

                @Override
                public void onNearbyBatchCalls(UserId querier, int calls) {
                    batchCalls[0] = calls;
                }
            };
            NearbyMatcher batched = matcher(node, backend, counting, true);
            NearbyMatcher perCandidate = matcher(node, backend, counting, false);
            NearbyMatcher[] variants = {perCandidate, batched};
            String[] names = {"per candidate (before)", "batched (after)"};
            List<List<Sample>> samples = List.of(new ArrayList<>(), new ArrayList<>());
            int warmup = Math.min(200, queries);
            for (int i = 0; i < warmup + queries; i++) {
                UserId querier = data.users[who[i % queriers]];
                for (int v = 0; v < 2; v++) {
                    reported[0] = -1;
                    STORE_CALLS.set(0);
                    STATEMENTS.set(0);
                    timing = v == 1 && i >= warmup;
                    long s = System.nanoTime();
                    variants[v].nearby(NearbyQuery.of(querier, radius, 50));
                    long took = System.nanoTime() - s;
                    if (i >= warmup) {
                        samples.get(v).add(new Sample(took, STORE_CALLS.get(), STATEMENTS.get(), reported[0]));
                    }
                }
            }
            System.out.printf(Locale.ROOT, "| backend | callbacks | p50 ms | p99 ms | mean ms | store calls per query "
                    + "(median / max) | of which JDBC statements (median / max) | matcher's own count (median; = store calls in) |%n");
            for (int v = 0; v < 2; v++) {
                List<Sample> s = samples.get(v);
                long[] t = s.stream().mapToLong(Sample::nanos).sorted().toArray();
                long[] c = s.stream().mapToLong(Sample::storeCalls).sorted().toArray();
                long[] j = s.stream().mapToLong(Sample::statements).sorted().toArray();
                long agree = s.stream().filter(x -> x.reported() == x.storeCalls()).count();
                int[] r = s.stream().mapToInt(Sample::reported).sorted().toArray();
                System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %d / %d | %d / %d | %d (%d of %d queries) |%n",
                        backendName, names[v], t[t.length / 2] / 1e6, t[(int) (t.length * 0.99)] / 1e6,
                        Arrays.stream(t).average().orElse(0) / 1e6, c[c.length / 2], c[c.length - 1],
                        j[j.length / 2], j[j.length - 1], r[r.length / 2], agree, s.size());
            }
            long total = samples.get(1).stream().mapToLong(Sample::nanos).sum();
            System.out.printf(Locale.ROOT, "# batched: share of query time per store call:");
            TIME_BY_CALL.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue().get(), x.getValue().get()))
                    .forEach(e -> System.out.printf(Locale.ROOT, " %s %.0f%% (%.3f ms/query);", e.getKey(),
                            100.0 * e.getValue().get() / total, e.getValue().get() / 1e6 / queries));
            System.out.println();
        } finally {
            node.close();
            if (pool != null) {
                pool.close();
            }
            if (redisPrefix != null) {
                deleteKeys(redisPrefix);
            }
        }
    }

    /** The node's matcher options, with the batch callbacks (the node's wiring) or the single-user ones. */
    private static NearbyMatcher matcher(Vicinity node, VicinityBackend backend, VicinityListener listener,
                                         boolean batched) {
        NearbyMatcher.Builder b;
        if (batched) {
            b = NearbyMatcher.builder(node.locations(), backend.blockList(),
                    dev.vicinity.geo.OnlineCheck.batch(node.presence()::onlineAmong))
                    .scoreProvider(ScoreProvider.batch(u -> node.ratings().scores().scoresOf(u, Double.NaN)));
        } else {
            b = NearbyMatcher.builder(node.locations(), backend.blockList(), node.presence()::isOnline)
                    .scoreProvider(u -> node.ratings().scores().scoreOf(u).orElse(Double.NaN));
        }
        return b.listener(listener).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .rateLimit(1_000_000, java.time.Duration.ofSeconds(1)) // asked on the backend's store, never refusing
                .rateLimitStore(backend.rateLimitStore()).distributed(backend.distributed())
                .cursorSecret("0123456789abcdef0123456789abcdef".getBytes())
                .build();
    }

    /** Indexes every user at its snapped cell centre (what LocationService stores), in batches. */
    private static void load(ProximityIndex index, GeoDataset data) {
        GeoGrid grid = GeoGrid.withCellSize(250);
        int n = data.users.length;
        if (index instanceof InMemoryProximityIndex) {
            for (int i = 0; i < n; i++) {
                index.upsert(data.users[i], grid.snap(data.point(i)), NOW);
            }
            return;
        }
        List<Candidate> batch = new ArrayList<>(10_000);
        for (int i = 0; i < n; i++) {
            batch.add(new Candidate(data.users[i], grid.snap(data.point(i)), NOW));
            if (batch.size() == 10_000 || i == n - 1) {
                if (index instanceof PostgresProximityIndex pg) {
                    pg.upsertAll(batch);
                } else if (index instanceof H2gisProximityIndex h2) {
                    h2.upsertAll(batch);
                } else {
                    batch.forEach(c -> index.upsert(c.user(), c.point(), c.observedAt()));
                }
                batch.clear();
            }
        }
    }

    /** One user in {@code every} connected (a presence lease each), on 4 threads. */
    private static void online(Vicinity node, GeoDataset data, int every) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t * every;
                done.add(pool.submit(() -> {
                    for (int i = first; i < data.users.length; i += 4 * every) {
                        node.presence().connect(data.users[i], DeviceId.of("d"), ConnectionId.of("c" + i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    // ------------------------------------------------------------------ counting proxies

    private static VicinityBackend countingBackend(VicinityBackend raw) {
        Map<Class<?>, Object> wrapped = new LinkedHashMap<>();
        wrapped.put(LocationStore.class, countingStore(LocationStore.class, raw.locationStore()));
        wrapped.put(ProximityIndex.class, countingStore(ProximityIndex.class, raw.proximityIndex()));
        wrapped.put(BlockList.class, countingStore(BlockList.class, raw.blockList()));
        wrapped.put(PresenceStore.class, countingStore(PresenceStore.class, raw.presenceStore()));
        wrapped.put(RatingStore.class, countingStore(RatingStore.class, raw.ratingStore()));
        wrapped.put(RateLimitStore.class, countingStore(RateLimitStore.class, raw.rateLimitStore()));
        return (VicinityBackend) Proxy.newProxyInstance(NearbyFullStack.class.getClassLoader(),
                new Class<?>[] {VicinityBackend.class}, (proxy, m, args) -> {
                    Object w = wrapped.get(m.getReturnType());
                    if (w != null && (args == null || args.length == 0)) {
                        return w;
                    }
                    return invoke(m, raw, args);
                });
    }

    private static <T> T countingStore(Class<T> type, T delegate) {
        return type.cast(Proxy.newProxyInstance(NearbyFullStack.class.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return invoke(m, delegate, args);
                    }
                    STORE_CALLS.incrementAndGet();
                    long s = System.nanoTime();
                    try {
                        return invoke(m, delegate, args);
                    } finally {
                        if (timing) {
                            TIME_BY_CALL.computeIfAbsent(type.getSimpleName() + "." + m.getName(), k -> new AtomicLong())
                                    .addAndGet(System.nanoTime() - s);
                        }
                    }
                }));
    }

    /** A DataSource whose statements count their executions (one round trip each). */
    private static DataSource counting(DataSource ds) {
        return (DataSource) Proxy.newProxyInstance(NearbyFullStack.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, m, args) -> {
                    Object r = invoke(m, ds, args);
                    return r instanceof Connection c ? countingConnection(c) : r;
                });
    }

    private static Connection countingConnection(Connection c) {
        return (Connection) Proxy.newProxyInstance(NearbyFullStack.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, m, args) -> {
                    Object r = invoke(m, c, args);
                    if (r instanceof PreparedStatement ps) {
                        return countingStatement(PreparedStatement.class, ps);
                    }
                    if (r instanceof Statement s && !(r instanceof PreparedStatement)) {
                        return countingStatement(Statement.class, s);
                    }
                    return r;
                });
    }

    private static <T extends Statement> T countingStatement(Class<T> type, T s) {
        return type.cast(Proxy.newProxyInstance(NearbyFullStack.class.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> {
                    if (m.getName().startsWith("execute")) {
                        STATEMENTS.incrementAndGet();
                    }
                    return invoke(m, s, args);
                }));
    }

    private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    // ------------------------------------------------------------------ servers

    private static HikariDataSource pool() {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(env("VICINITY_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
        c.setUsername(env("VICINITY_PG_USER", "postgres"));
        c.setPassword(env("VICINITY_PG_PASSWORD", ""));
        c.setMaximumPoolSize(4);
        c.setPoolName("vicinity-fullstack");
        return new HikariDataSource(c);
    }

    private static String redisUri() {
        return env("VICINITY_REDIS_URI", "redis://127.0.0.1:6379");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static void deleteKeys(String prefix) {
        RedisClient client = RedisClient.create(redisUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches("*" + prefix + "*").limit(1000));
                if (!page.getKeys().isEmpty()) {
                    c.sync().del(page.getKeys().toArray(new String[0]));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }
}
