package dev.vicinity.node.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic duties of a node, each isolated: a duty that throws is logged (a warning when it starts
 * failing, debug while it keeps failing, info when it recovers) and never stops the others or its own
 * next run. Duties of one group run one after the other on one scheduled task; groups run as separate
 * tasks, so a slow store call of one group never delays another (a stalled database must not let
 * presence leases lapse). Thread-safe.
 */
public final class Maintenance {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    /** One named duty. */
    public static final class Duty {
        private final String name;
        private final Runnable action;
        private final AtomicBoolean failing = new AtomicBoolean();

        /** A duty called {@code name} (for logs). */
        public Duty(String name, Runnable action) {
            this.name = Objects.requireNonNull(name, "name");
            this.action = Objects.requireNonNull(action, "action");
        }

        /** Runs the duty once; never throws. */
        public void run() {
            try {
                action.run();
                if (failing.compareAndSet(true, false)) {
                    LOG.info("maintenance duty {} works again", name);
                }
            } catch (RuntimeException e) {
                if (failing.compareAndSet(false, true)) {
                    LOG.warn("maintenance duty {} failed (logged at debug while it keeps failing)", name, e);
                } else {
                    LOG.debug("maintenance duty {} failed again: {}", name, e.toString());
                }
            }
        }
    }

    private record Group(List<Duty> duties, Duration every) {}

    private final List<Group> groups = new ArrayList<>();
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();

    /** Adds a group of duties run in order every {@code every}. Call before {@link #schedule}. */
    public synchronized Maintenance group(Duration every, Duty... duties) {
        groups.add(new Group(List.of(duties), every));
        return this;
    }

    /** Runs every duty of every group once, in order, on the calling thread. Never throws. */
    public void runAll() {
        List<Group> copy;
        synchronized (this) {
            copy = List.copyOf(groups);
        }
        for (Group g : copy) {
            g.duties().forEach(Duty::run);
        }
    }

    /** Schedules every group on {@code executor}, first run after one period, with a fixed delay. */
    public synchronized void schedule(ScheduledExecutorService executor) {
        for (Group g : groups) {
            long millis = g.every().toMillis();
            scheduled.add(executor.scheduleWithFixedDelay(() -> g.duties().forEach(Duty::run), millis, millis,
                    TimeUnit.MILLISECONDS));
        }
    }

    /** Cancels the scheduled tasks (a run in progress finishes). Idempotent. */
    public synchronized void cancel() {
        scheduled.forEach(f -> f.cancel(false));
        scheduled.clear();
    }
}
