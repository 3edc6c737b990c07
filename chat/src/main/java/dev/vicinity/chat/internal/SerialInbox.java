package dev.vicinity.chat.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of one owner (one chat session on this node) one at a time, in submission order,
 * on whichever thread drains: the executor's for {@link #submit} (so a bus dispatch thread only
 * queues and returns), the caller's for {@link #runNow} (so a request sees its own effect before it
 * returns). Tasks may block on store I/O; that holds up this owner only, never the bus thread or
 * other owners. Without an executor (null) {@code submit} drains on the caller's
 * thread too (the in-memory bus delivers on the publisher's thread, and tests rely on that).
 *
 * <p>Drains are serialised by a {@link ReentrantLock} (not a monitor: a task doing I/O must not pin
 * a virtual thread). A task that submits to its own inbox runs that task before returning, as a
 * reentrant monitor would. A queued task that throws (anything but a {@link VirtualMachineError}) is
 * logged and the next one runs; a {@link #runNow} task's failure is rethrown to its caller. Thread-safe.
 */
public final class SerialInbox {
    private static final Logger LOG = LoggerFactory.getLogger(SerialInbox.class);

    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock drainLock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private final @Nullable Executor executor;

    /** @param executor where {@link #submit} drains; null to drain on the submitting thread */
    public SerialInbox(@Nullable Executor executor) {
        this.executor = executor;
    }

    /** Queues {@code task}; it runs after every task queued before it. */
    public void submit(Runnable task) {
        queue.add(task);
        if (executor == null) {
            drain();
            return;
        }
        if (pending.getAndIncrement() == 0) {
            try {
                executor.execute(this::drainScheduled);
            } catch (RejectedExecutionException e) {
                // The executor is shut down (service closing): drain here rather than strand tasks.
                drainScheduled();
            }
        }
    }

    /**
     * Queues {@code task} and drains on this thread: it has run when this returns, and if it threw,
     * this throws the same exception.
     */
    public void runNow(Runnable task) {
        Throwable[] failure = new Throwable[1];
        queue.add(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                failure[0] = e;
            }
        });
        drain();
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
    }

    private void drainScheduled() {
        int missed = 1;
        try {
            do {
                drain();
                missed = pending.addAndGet(-missed);
            } while (missed != 0);
        } catch (VirtualMachineError e) {
            // Never leave the inbox marked busy: the next submit schedules a drain of what is left.
            pending.set(0);
            throw e;
        }
    }

    private void drain() {
        drainLock.lock();
        try {
            for (Runnable r; (r = queue.poll()) != null; ) {
                try {
                    r.run();
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    // Any other failure (an Error from host code included) must not stall the session.
                    LOG.warn("chat: a delivery task failed; continuing with the next", e);
                }
            }
        } finally {
            drainLock.unlock();
        }
    }
}
