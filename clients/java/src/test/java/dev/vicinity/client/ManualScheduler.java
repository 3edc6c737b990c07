package dev.vicinity.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link Scheduler} whose time moves only when the test says so; tasks run on the test thread. Not thread-safe. */
final class ManualScheduler implements Scheduler {
    private record Task(long at, long order, Runnable run, boolean[] cancelled) {}

    private final List<Task> tasks = new ArrayList<>();
    private long now = 1_000;
    private long order;

    @Override
    public long nowMillis() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + Math.max(0, delayMillis), order++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every task due now (including those they queue). */
    void runDue() {
        advance(0);
    }

    /** Moves time forward by {@code ms}, running tasks in time order. */
    void advance(long ms) {
        long until = now + ms;
        while (true) {
            Task next = tasks.stream().filter(t -> t.at <= until)
                    .min(Comparator.comparingLong(Task::at).thenComparingLong(Task::order)).orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = Math.max(now, next.at);
            if (!next.cancelled[0]) {
                next.run.run();
            }
        }
        now = until;
    }
}
