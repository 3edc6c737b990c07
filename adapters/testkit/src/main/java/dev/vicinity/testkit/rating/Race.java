package dev.vicinity.testkit.rating;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs one task on many threads released at the same instant, to provoke races in stores. */
public final class Race {
    private Race() {}

    /** A task that knows its thread index. */
    @FunctionalInterface
    public interface IndexedTask<T> {
        /** Runs on thread {@code index} (0-based). */
        T run(int index) throws Exception;
    }

    /**
     * Starts {@code threads} threads, waits until all are ready, releases them together and returns
     * their results in thread order. A task that throws fails the call with its exception as cause;
     * each thread gets at most 60 seconds.
     */
    public static <T> List<T> run(int threads, IndexedTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                Callable<T> call = () -> {
                    ready.countDown();
                    go.await();
                    return task.run(index);
                };
                futures.add(pool.submit(call));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
