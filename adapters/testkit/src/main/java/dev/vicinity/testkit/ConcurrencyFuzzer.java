package dev.vicinity.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Runs one action from many threads at once to shake out races in any adapter: all threads start
 * together behind a latch, each runs its iterations, and the first failure (with the others attached
 * as suppressed) is rethrown as an {@link AssertionError}. A run that does not finish within the
 * timeout fails too (a deadlock is a failure, not a hang).
 *
 * <pre>{@code
 * ConcurrencyFuzzer.threads(16).iterations(50).run((thread, i) -> store.acquire(...));
 * }</pre>
 *
 * <p>Instances are immutable and may be reused.
 */
public final class ConcurrencyFuzzer {

    /** The action; {@code thread} is 0..threads-1 and {@code iteration} 0..iterations-1. */
    @FunctionalInterface
    public interface Action {
        /**
         * Performs one operation of {@code thread} in round {@code iteration}; a thrown exception or error fails
         * the run.
         */
        void run(int thread, int iteration) throws Exception;
    }

    private final int threads;
    private final int iterations;
    private final Duration timeout;

    private ConcurrencyFuzzer(int threads, int iterations, Duration timeout) {
        if (threads < 1 || iterations < 1) {
            throw new IllegalArgumentException("threads and iterations must be >= 1");
        }
        this.threads = threads;
        this.iterations = iterations;
        this.timeout = timeout;
    }

    /** A fuzzer with {@code threads} threads, 1 iteration each, 30 s timeout. */
    public static ConcurrencyFuzzer threads(int threads) {
        return new ConcurrencyFuzzer(threads, 1, Duration.ofSeconds(30));
    }

    /** Same fuzzer with {@code n} iterations per thread. */
    public ConcurrencyFuzzer iterations(int n) {
        return new ConcurrencyFuzzer(threads, n, timeout);
    }

    /** Same fuzzer with another overall timeout. */
    public ConcurrencyFuzzer timeout(Duration t) {
        return new ConcurrencyFuzzer(threads, iterations, t);
    }

    /** Runs {@code action} threads × iterations times concurrently and waits for all. */
    public void run(Action action) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    for (int i = 0; i < iterations; i++) {
                        action.run(thread, i);
                    }
                    return null;
                }));
            }
            ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            go.countDown();
            long deadline = System.nanoTime() + timeout.toNanos();
            AssertionError failure = null;
            for (Future<?> f : futures) {
                try {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    failure = add(failure, new AssertionError("fuzz run did not finish within " + timeout
                            + " (deadlock or livelock?)"));
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    failure = add(failure, Objects.requireNonNullElse(e.getCause(), e));
                }
            }
            if (failure != null) {
                throw failure;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static AssertionError add(@Nullable AssertionError first, Throwable t) {
        if (first == null) {
            return t instanceof AssertionError a ? a : new AssertionError("concurrent action failed: " + t, t);
        }
        first.addSuppressed(t);
        return first;
    }
}
