package dev.vicinity.examples.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health of the node's backends, probed in the background so that {@code /health} never waits for a
 * backend: each probe runs on a thread of its own once per interval, and {@link #status} returns the
 * last result at once. A probe that has not answered within its timeout marks its backend unhealthy
 * ("no answer within …") while it keeps waiting; no second probe of the same backend is started
 * until the first returns, so a stalled backend costs one thread per probe, never more. The first
 * round runs in the constructor (bounded by the timeout), so a fresh node reports real results.
 * Thread-safe.
 */
final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    /** The last known state of one backend. */
    record Status(boolean healthy, String detail, Instant since) {}

    private final class Probe {
        final String name;
        final Runnable check;
        final ExecutorService thread;
        volatile Future<?> inFlight;
        volatile long startedNanos;
        volatile Status status;

        Probe(String name, Runnable check) {
            this.name = name;
            this.check = check;
            this.thread = Executors.newSingleThreadExecutor(r -> daemon(r, "vicinity-health-" + name));
            this.status = new Status(false, "not probed yet", clock.instant());
        }

        void start() {
            Future<?> running = inFlight;
            if (running != null && !running.isDone()) {
                long waited = System.nanoTime() - startedNanos;
                if (waited >= timeout.toNanos()) {
                    set(false, "no answer within " + timeout.toMillis() + " ms");
                }
                return;
            }
            startedNanos = System.nanoTime();
            inFlight = thread.submit(() -> {
                try {
                    check.run();
                    long took = System.nanoTime() - startedNanos;
                    if (took > timeout.toNanos()) {
                        set(false, "answered after " + TimeUnit.NANOSECONDS.toMillis(took) + " ms (limit "
                                + timeout.toMillis() + " ms)");
                    } else {
                        set(true, "ok");
                    }
                } catch (RuntimeException e) {
                    set(false, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            });
        }

        void set(boolean healthy, String detail) {
            Status old = status;
            if (old.healthy() != healthy || !old.detail().equals(detail)) {
                if (old.healthy() != healthy) {
                    LOG.info("{} is {}: {}", name, healthy ? "healthy again" : "unhealthy", detail);
                }
                status = new Status(healthy, detail, old.healthy() == healthy ? old.since() : clock.instant());
            }
        }
    }

    private final Clock clock;
    private final Duration timeout;
    private final Map<String, Probe> probes = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler;

    /**
     * Starts probing {@code checks} (name → a check that throws when its backend is unhealthy) every
     * {@code interval}; each check is unhealthy once it has not answered within {@code timeout}.
     */
    HealthMonitor(Map<String, Runnable> checks, Duration timeout, Duration interval, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        checks.forEach((name, check) -> probes.put(name, new Probe(name, check)));
        for (Probe p : probes.values()) {
            p.start();
        }
        for (Probe p : probes.values()) {
            try {
                p.inFlight.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                p.set(false, "no answer within " + timeout.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                p.set(false, String.valueOf(e.getCause()));
            }
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "vicinity-health"));
        long every = Math.max(50, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
    }

    private void round() {
        for (Probe p : probes.values()) {
            try {
                p.start();
            } catch (RuntimeException e) {
                LOG.warn("health probe {} could not start", p.name, e);
            }
        }
    }

    /** The last known status of the backend {@code name}; never blocks. */
    Status status(String name) {
        Probe p = probes.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no probe " + name);
        }
        return p.status;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Stops probing. A probe still waiting for its backend is left to finish (never interrupted: an
     * interrupt during file I/O makes H2 close its database); its thread is a daemon.
     */
    @Override
    public void close() {
        scheduler.shutdownNow();
        for (Probe p : probes.values()) {
            p.thread.shutdown();
        }
    }
}
