package dev.vicinity.bench.geo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Per-query CPU time (not wall time) of the {@link NearbyMatcherBenchmark} queries, for a machine
 * shared with other work: a query's thread CPU time does not count the time it waited for a core,
 * so its percentiles stay comparable between runs under different load. Run:
 * {@code java -Xmx4g -cp bench/target/benchmarks.jar dev.vicinity.bench.geo.NearbyCpuTime [queries [firstBucketMeters [lambda|table]]]}.
 * Prints p50/p90/p99 in microseconds and the bytes allocated per query, after a warm-up of the same
 * number of queries.
 */
public final class NearbyCpuTime {
    private NearbyCpuTime() {}

    /** Runs the 1 km and 5 km queries of {@link NearbyMatcherBenchmark} and prints CPU-time percentiles. */
    public static void main(String[] args) {
        int queries = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        NearbyMatcherBenchmark b = new NearbyMatcherBenchmark();
        b.users = 1_000_000;
        b.firstBucketMeters = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        b.callbacks = args.length > 2 ? args[2] : "lambda";
        b.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) mx;
        for (int km : new int[] {1, 5}) {
            long[] cpu = new long[queries];
            int matches = 0;
            long allocated = 0;
            for (int round = 0; round < 2; round++) { // the first round is warm-up
                long a0 = alloc.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < queries; i++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    matches += (km == 1 ? b.matcher50Within1km() : b.matcher50Within5km()).matches().size();
                    cpu[i] = mx.getCurrentThreadCpuTime() - t0;
                }
                allocated = alloc.getCurrentThreadAllocatedBytes() - a0;
            }
            Arrays.sort(cpu);
            System.out.printf("50 within %d km: CPU p50 %.1f us, p90 %.1f us, p99 %.1f us, %d bytes allocated/query (%d matches)%n",
                    km, cpu[queries / 2] / 1e3, cpu[queries * 9 / 10] / 1e3, cpu[queries * 99 / 100] / 1e3,
                    allocated / queries, matches);
        }
    }
}
