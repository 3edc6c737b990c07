package dev.vicinity.bench.geo;

import dev.vicinity.geo.memory.InMemoryProximityIndex;
import java.time.Instant;

/**
 * Measures the in-memory index's heap per indexed user: heap used after a full GC, before and after
 * indexing the 1M-user city. The user ids already exist before (the host holds them anyway), so the
 * figure is the index's own cost. Run:
 * {@code java -Xmx4g -cp bench/target/benchmarks.jar dev.vicinity.bench.geo.IndexMemoryFootprint}.
 */
public final class IndexMemoryFootprint {
    private IndexMemoryFootprint() {}

    /** Prints bytes per user for the default cell size and a few others. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        GeoDataset data = new GeoDataset(n, 42);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (double cell : new double[] {250, 100, 500}) {
            long before = usedAfterGc();
            InMemoryProximityIndex index = new InMemoryProximityIndex(cell);
            for (int i = 0; i < n; i++) {
                index.upsert(data.users[i], data.point(i), t);
            }
            long after = usedAfterGc();
            System.out.printf("cell %.0f m: %d users, %d cells, %.1f bytes/user%n",
                    cell, index.size(), index.occupiedCells(), (after - before) / (double) n);
            if (index.size() != n) {
                throw new IllegalStateException("lost users");
            }
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }
}
