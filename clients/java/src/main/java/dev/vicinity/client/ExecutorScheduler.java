package dev.vicinity.client;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The default {@link Scheduler}: one daemon thread of a {@link ScheduledExecutorService} and
 * {@link System#nanoTime()}. Thread-safe. {@link #shutdown()} stops the thread.
 */
public final class ExecutorScheduler implements Scheduler {
    private final ScheduledExecutorService executor;

    /** Starts the scheduler thread, a daemon named {@code threadName}. */
    public ExecutorScheduler(String threadName) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // shut down: the task is dropped
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        try {
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> {}; // shut down: the task is dropped
        }
    }

    /** Stops the thread (it ends after the task it runs, if any); queued and later tasks are dropped. */
    public void shutdown() {
        executor.shutdownNow();
    }
}
