package dev.vicinity.reliability;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A simulated client's traffic: runs its step again and again on a scheduler thread of its own, each
 * time after the delay the previous step asked for (zero: at once), until the step says it is done or
 * {@link #close()} is called. This is how the tests pace clients (a well-behaved rate, a flood, a
 * back-off after a refusal) without sleeping; the tests themselves wait on conditions.
 */
final class Traffic implements AutoCloseable {
    /** One step of a client; returns the delay before the next step, or null when the client is done. */
    @FunctionalInterface
    interface Step {
        Duration run() throws Exception;
    }

    private final ScheduledExecutorService scheduler;
    private final Step step;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean stopped;

    private Traffic(String name, Step step) {
        this.step = step;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "traffic-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts {@code step} at once. */
    static Traffic start(String name, Step step) {
        Traffic t = new Traffic(name, step);
        t.scheduler.execute(t::tick);
        return t;
    }

    private void tick() {
        if (stopped) {
            finish(null);
            return;
        }
        Duration next;
        try {
            next = step.run();
        } catch (Exception | AssertionError e) {
            finish(e);
            return;
        }
        if (next == null) {
            finish(null);
        } else {
            scheduler.schedule(this::tick, next.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void finish(Throwable failure) {
        if (failure == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(failure);
        }
        scheduler.shutdown();
    }

    /** Completes when the client is done (exceptionally if a step threw). */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Stops after the running step; {@link #done()} then completes. */
    @Override
    public void close() {
        stopped = true;
        try {
            scheduler.execute(this::tick);
        } catch (java.util.concurrent.RejectedExecutionException alreadyFinished) {
            // the client was done already
        }
    }
}
