package dev.vicinity.client;

/**
 * The client's time and thread: every state change of a {@link VicinityClient} runs as a task of its
 * scheduler, one at a time, so the client needs no locks. Tests pass a manual implementation and drive
 * time themselves.
 */
public interface Scheduler {
    /** Milliseconds on a monotonic time line. */
    long nowMillis();

    /** Runs {@code task} soon, after the tasks already queued. */
    void execute(Runnable task);

    /** Runs {@code task} after {@code delayMillis}; the returned handle cancels it. */
    Cancellable schedule(Runnable task, long delayMillis);

    /** A scheduled task that can be cancelled; cancelling twice or after it ran does nothing. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task unless it already ran. */
        void cancel();
    }
}
