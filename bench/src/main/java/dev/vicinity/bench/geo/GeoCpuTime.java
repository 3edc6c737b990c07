package dev.vicinity.bench.geo;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The in-memory index's figures in thread CPU time instead of wall time, for a machine shared with
 * other work (a thread's CPU time does not count the time it waited for a core, so the figures stay
 * comparable between runs under different load; cache misses and lock traffic are still counted).
 * Same data and operations as {@link ProximityIndexBenchmark} and {@link ProximityUpdateBenchmark}:
 * <ul>
 *   <li>{@code index}: 50 nearest within 1 km and 5 km, per-query CPU time p50/p90/p99 after an equal
 *       warm-up (the timer's own cost, measured and printed, is included);</li>
 *   <li>{@code update}: moves of 10-200 m of random users on {@code threads} threads; prints updates per
 *       CPU-second of each thread and their sum, the rate the threads would reach with a core each.</li>
 *   <li>{@code edge}: wall time per query, inside the city and near its edge (see {@link #edge}).</li>
 * </ul>
 * Run: {@code java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp bench/target/benchmarks.jar
 * dev.vicinity.bench.geo.GeoCpuTime index|update|edge [queries or updates per thread] [threads]}.
 * Uses only the index's public API, so it can be put on the class path of an older jar (after it).
 */
public final class GeoCpuTime {
    private static final int USERS = 1_000_000;

    private GeoCpuTime() {}

    /** See the class comment. */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "index";
        GeoDataset data = new GeoDataset(USERS, 42);
        InMemoryProximityIndex index = new InMemoryProximityIndex(250);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < USERS; i++) {
            index.upsert(data.users[i], data.point(i), t);
        }
        if (mode.equals("edge")) {
            edge(index, args.length > 1 ? Integer.parseInt(args[1]) : 400_000);
        } else if (mode.equals("index")) {
            index(index, args.length > 1 ? Integer.parseInt(args[1]) : 200_000);
        } else {
            update(index, data, t, args.length > 1 ? Integer.parseInt(args[1]) : 3_000_000,
                    args.length > 2 ? Integer.parseInt(args[2]) : 2);
        }
    }

    private static void index(InMemoryProximityIndex index, int queries) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        GeoPoint[] points = GeoDataset.queryPoints(1 << 16, 7);
        long[] timer = new long[10_000];
        for (int i = 0; i < timer.length; i++) {
            long t0 = mx.getCurrentThreadCpuTime();
            timer[i] = mx.getCurrentThreadCpuTime() - t0;
        }
        Arrays.sort(timer);
        System.out.printf("timer: p50 %.2f us%n", timer[timer.length / 2] / 1e3);
        int next = 0;
        for (int km : new int[] {1, 5}) {
            long[] cpu = new long[queries];
            long found = 0;
            for (int round = 0; round < 2; round++) { // the first round is warm-up
                for (int i = 0; i < queries; i++) {
                    GeoPoint p = points[next++ & (points.length - 1)];
                    long t0 = mx.getCurrentThreadCpuTime();
                    found += index.candidates(p, km * 1_000, 50).size();
                    cpu[i] = mx.getCurrentThreadCpuTime() - t0;
                }
            }
            Arrays.sort(cpu);
            System.out.printf("index 50 within %d km: CPU p50 %.2f us, p90 %.2f us, p99 %.2f us, p99.9 %.2f us (%d found)%n",
                    km, cpu[queries / 2] / 1e3, cpu[queries * 9 / 10] / 1e3, cpu[queries * 99 / 100] / 1e3,
                    cpu[queries * 999 / 1000] / 1e3, found);
        }
    }

    /**
     * Wall time per query (no CPU-time syscall, which costs the query its TLB on this VM), split by
     * where the query point lies: within 500 m of the city's edge (fewer users around, so more rings)
     * or inside. Tells whether the slowest percent are the edge queries or the machine.
     */
    private static void edge(InMemoryProximityIndex index, int queries) {
        GeoPoint[] points = GeoDataset.queryPoints(1 << 16, 7);
        double margin = 500 / GeoDistance.METERS_PER_DEGREE;
        double marginLon = margin / Math.cos(Math.toRadians(GeoDataset.CENTER_LAT));
        for (int km : new int[] {1, 5}) {
            long[] inner = new long[queries];
            long[] outer = new long[queries];
            long[] all = new long[queries];
            int ni = 0;
            int no = 0;
            long found = 0;
            for (int round = 0; round < 2; round++) { // the first round is warm-up
                ni = 0;
                no = 0;
                for (int i = 0; i < queries; i++) {
                    GeoPoint p = points[i & (points.length - 1)];
                    long t0 = System.nanoTime();
                    found += index.candidates(p, km * 1_000, 50).size();
                    long dt = System.nanoTime() - t0;
                    all[i] = dt;
                    boolean nearEdge = Math.abs(p.lat() - GeoDataset.CENTER_LAT) > GeoDataset.HALF_LAT - margin
                            || Math.abs(p.lon() - GeoDataset.CENTER_LON) > GeoDataset.HALF_LON - marginLon;
                    if (nearEdge) {
                        outer[no++] = dt;
                    } else {
                        inner[ni++] = dt;
                    }
                }
            }
            Arrays.sort(all);
            Arrays.sort(inner, 0, ni);
            Arrays.sort(outer, 0, no);
            System.out.printf("index 50 within %d km, wall: all p50 %.2f p99 %.2f us; inside (%d) p50 %.2f p99 %.2f us;"
                            + " within 500 m of the edge (%d) p50 %.2f p99 %.2f us (%d found)%n",
                    km, all[queries / 2] / 1e3, all[queries * 99 / 100] / 1e3, ni, inner[ni / 2] / 1e3,
                    inner[ni * 99 / 100] / 1e3, no, outer[no / 2] / 1e3, outer[no * 99 / 100] / 1e3, found);
        }
    }

    private static void update(InMemoryProximityIndex index, GeoDataset data, Instant t, int perThread, int threads)
            throws InterruptedException {
        UserId[] ids = data.users;
        double[] lat = data.lat;
        double[] lon = data.lon;
        for (int round = 0; round < 2; round++) { // the first round is warm-up
            double[] rate = new double[threads];
            Thread[] workers = new Thread[threads];
            long wall0 = System.nanoTime();
            for (int w = 0; w < threads; w++) {
                int id = w;
                workers[w] = new Thread(() -> {
                    SplittableRandom rnd = new SplittableRandom(1000 + id);
                    int n = 1 << 16;
                    int[] who = new int[n];
                    double[] dLat = new double[n];
                    double[] dLon = new double[n];
                    for (int k = 0; k < n; k++) {
                        who[k] = rnd.nextInt(USERS);
                        double dist = 10 + rnd.nextDouble() * 190;
                        double bearing = rnd.nextDouble() * 2 * Math.PI;
                        dLat[k] = dist * Math.cos(bearing) / GeoDistance.METERS_PER_DEGREE;
                        dLon[k] = dist * Math.sin(bearing) / GeoDistance.METERS_PER_DEGREE
                                / Math.cos(Math.toRadians(GeoDataset.CENTER_LAT));
                    }
                    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                    long c0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < perThread; i++) {
                        int k = i & (n - 1);
                        int u = who[k];
                        double la = lat[u] + dLat[k];
                        double lo = lon[u] + dLon[k];
                        lat[u] = la;
                        lon[u] = lo;
                        index.upsert(ids[u], GeoPoint.ofLatLon(la, lo), t);
                    }
                    rate[id] = perThread / ((mx.getCurrentThreadCpuTime() - c0) / 1e9);
                });
                workers[w].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            double wall = (System.nanoTime() - wall0) / 1e9;
            if (round == 1) {
                double sum = Arrays.stream(rate).sum();
                System.out.printf("updates, %d threads: per CPU-second %s = %.0f /s with a core each; wall clock %.0f /s%n",
                        threads, Arrays.toString(Arrays.stream(rate).map(Math::rint).toArray()), sum,
                        threads * (double) perThread / wall);
            }
        }
    }
}
