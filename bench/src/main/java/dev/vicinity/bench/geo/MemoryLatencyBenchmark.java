package dev.vicinity.bench.geo;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under the in-memory index: nanoseconds per dependent random load (a pointer chase) in an
 * array of {@code size} bytes, from one that fits the caches to a multi-GB one like the heap the
 * index lives in. Each hop reads one cache line chosen by a random cyclic permutation of the array's
 * lines (so neither the prefetcher nor a short cycle helps), and the next address depends on the
 * value read. Same JVM flags as {@link ProximityIndexBenchmark} (fixed, pre-touched heap); add
 * {@code -jvmArgsAppend -XX:+UseTransparentHugePages} to see the effect of 2 MB pages (fewer TLB
 * misses) on this machine. Run:
 * {@code java -jar bench/target/benchmarks.jar MemoryLatencyBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class MemoryLatencyBenchmark {
    private static final int HOPS = 1024;
    /** ints per 64-byte cache line. */
    private static final int LINE = 16;

    /** Array size: 32 KB (first-level cache), 1 MB (second level), 16 MB, 256 MB, 2 GB. */
    @Param({"32K", "1M", "16M", "256M", "2G"})
    public String size;

    private int[] next;
    private int at;

    @Setup(Level.Trial)
    public void setUp() {
        long bytes = parse(size);
        int lines = (int) (bytes / 64);
        next = new int[lines * LINE];
        // Sattolo's shuffle: one cycle through every line.
        int[] order = new int[lines];
        for (int i = 0; i < lines; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(17);
        for (int i = lines - 1; i > 0; i--) {
            int j = rnd.nextInt(i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < lines; i++) {
            next[order[i] * LINE] = order[(i + 1) % lines] * LINE;
        }
        at = order[0] * LINE;
    }

    private static long parse(String s) {
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> throw new IllegalArgumentException(s);
        };
        return Long.parseLong(s.substring(0, s.length() - 1)) * unit;
    }

    /** One dependent load per op ({@value #HOPS} per call). */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    public int chase() {
        int[] n = next;
        int i = at;
        for (int k = 0; k < HOPS; k++) {
            i = n[i];
        }
        at = i;
        return i;
    }
}
