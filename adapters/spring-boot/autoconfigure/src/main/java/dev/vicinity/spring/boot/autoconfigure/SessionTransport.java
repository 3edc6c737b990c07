package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.gateway.Transport;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Adapts a Spring {@link WebSocketSession} to the gateway's {@link Transport}. A Spring session's
 * {@code sendMessage} is neither thread-safe nor non-blocking, and the gateway sends from request and bus
 * threads: every send and the close are queued and written in order, one at a time, on the shared send
 * executor, so callers never block and a close never overtakes the frames before it (an {@code auth_failed}
 * arrives before its 4203 close). The returned stage completes when the frame was written.
 */
final class SessionTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTransport.class);

    private final WebSocketSession session;
    private final Executor executor;
    private final String remote;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    SessionTransport(WebSocketSession session, Executor executor) {
        this.session = session;
        this.executor = executor;
        this.remote = String.valueOf(session.getRemoteAddress());
    }

    @Override
    public CompletionStage<?> send(String text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(() -> {
            try {
                if (!session.isOpen()) {
                    throw new IllegalStateException("socket closed");
                }
                session.sendMessage(new TextMessage(text));
                done.complete(null);
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    @Override
    public void close(int status, String reason) {
        enqueue(() -> {
            try {
                if (session.isOpen()) {
                    session.close(new CloseStatus(status, reason));
                }
            } catch (Exception e) {
                LOG.debug("closing socket {} failed", session.getId(), e);
            }
        });
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    private void enqueue(Runnable task) {
        queue.add(task);
        schedule();
    }

    private void schedule() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The send threads are stopping (context shutdown): write the rest on this thread.
            drain();
        }
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = queue.poll()) != null) {
                task.run();
            }
        } finally {
            draining.set(false);
        }
        if (!queue.isEmpty()) {
            schedule();
        }
    }
}
