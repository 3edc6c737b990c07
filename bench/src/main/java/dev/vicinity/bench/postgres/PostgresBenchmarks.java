package dev.vicinity.bench.postgres;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the PostgreSQL benchmarks (nearest query, rating submits, then location updates, which modify
 * the data set) and prints each adapter/hand-written pair's ratio next to its target. Arguments: an
 * optional user count (default 1,000,000). Connection settings as in {@link PgBench}.
 */
public final class PostgresBenchmarks {
    private PostgresBenchmarks() {}

    public static void main(String[] args) throws RunnerException {
        String users = args.length > 0 ? args[0] : "1000000";
        Map<String, Double> score = new TreeMap<>();
        Map<String, String> unit = new TreeMap<>();
        for (String bench : new String[] {"PostgresNearestBenchmark", "PostgresRatingBenchmark",
                "PostgresLocationUpdateBenchmark"}) {
            Options o = new OptionsBuilder().include(PostgresBenchmarks.class.getPackageName() + "." + bench + ".*")
                    .param("users", users).build();
            Collection<RunResult> results = new Runner(o).run();
            for (RunResult r : results) {
                String name = r.getParams().getBenchmark();
                name = name.substring(name.lastIndexOf('.') + 1);
                if (r.getParams().getMode().shortLabel().equals("sample")) {
                    // median of the sampled latencies
                    score.put(name, r.getPrimaryResult().getStatistics().getPercentile(50));
                    unit.put(name, r.getPrimaryResult().getScoreUnit() + " (p50)");
                } else {
                    score.put(name, r.getPrimaryResult().getScore());
                    unit.put(name, r.getPrimaryResult().getScoreUnit());
                }
            }
        }
        System.out.println();
        System.out.println("=== PostgreSQL adapter vs hand-written SQL, same run (" + users + " users) ===");
        score.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-24s %12.1f %s%n", k, v, unit.get(k)));
        ratio("nearest 50 within 5 km (latency, hand/adapter)", score.get("handWritten50Within5km"),
                score.get("adapter50Within5km"), 0.9);
        ratio("rating submit (throughput, adapter/raw)", score.get("adapterSubmit"), score.get("rawSqlSubmit"), 0.8);
        ratio("batched vs single location updates", score.get("batchedUpserts"), score.get("singleUpserts"), Double.NaN);
    }

    private static void ratio(String what, Double a, Double b, double target) {
        if (a == null || b == null) {
            return;
        }
        double r = a / b;
        System.out.printf(Locale.ROOT, "%-50s %.2fx%s%n", what, r,
                Double.isNaN(target) ? "" : (r >= target ? "  (target >= " + target + "x: met)" : "  (target >= " + target + "x: NOT met)"));
    }
}
