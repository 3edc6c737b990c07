package dev.vicinity.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ClientTransport} on {@code java.net.http.WebSocket}. Outgoing frames are chained so that
 * at most one send is outstanding (the JDK API requires it). Thread-safe.
 */
public final class JdkWebSocketTransport implements ClientTransport {
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Listener listener;
    private volatile @Nullable WebSocket socket;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    private JdkWebSocketTransport(Listener listener) {
        this.listener = listener;
    }

    /** A factory over one shared {@link HttpClient}. */
    public static Factory factory(HttpClient http, Duration connectTimeout) {
        return factory(http, connectTimeout, java.util.Map.of());
    }

    /** A factory over one shared {@link HttpClient} that adds {@code headers} (e.g. a cookie) to every upgrade request. */
    public static Factory factory(HttpClient http, Duration connectTimeout, java.util.Map<String, String> headers) {
        java.util.Map<String, String> copy = java.util.Map.copyOf(headers);
        return (uri, listener) -> open(http, connectTimeout, copy, uri, listener);
    }

    /** A factory over a new default {@link HttpClient}. */
    public static Factory factory() {
        return factory(HttpClient.newHttpClient(), Duration.ofSeconds(10));
    }

    private static ClientTransport open(HttpClient http, Duration timeout, java.util.Map<String, String> headers, URI uri, Listener listener) {
        JdkWebSocketTransport t = new JdkWebSocketTransport(listener);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
        headers.forEach(builder::header);
        builder.buildAsync(uri, t.new Adapter()).whenComplete((ws, e) -> {
            if (e != null) {
                t.end(() -> listener.onError(e));
            } else {
                t.socket = ws;
                listener.onOpen();
            }
        });
        return t;
    }

    @Override
    public synchronized boolean send(String text) {
        WebSocket ws = socket;
        if (ws == null || ws.isOutputClosed() || ended.get()) {
            return false;
        }
        tail = tail.handle((r, e) -> null).thenCompose(x -> ws.sendText(text, true));
        return true;
    }

    /**
     * Sends one binary frame (the protocol has none; for tests of how a server treats them); returns
     * false if the socket is not open.
     */
    public synchronized boolean sendBinary(java.nio.ByteBuffer data) {
        WebSocket ws = socket;
        if (ws == null || ws.isOutputClosed() || ended.get()) {
            return false;
        }
        tail = tail.handle((r, e) -> null).thenCompose(x -> ws.sendBinary(data, true));
        return true;
    }

    /**
     * Drops the connection without a close frame, as a lost network would (the server sees an abnormal
     * close, 1006); the listener gets {@code onClose(1006, "aborted")} unless the socket already ended.
     */
    public void abort() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        end(() -> listener.onClose(1006, "aborted"));
    }

    @Override
    public synchronized void close(int code, String reason) {
        WebSocket ws = socket;
        if (ws == null) {
            end(() -> listener.onClose(code, reason));
            return;
        }
        tail = tail.handle((r, e) -> null).thenCompose(x -> ws.sendClose(code, reason));
        // Do not wait for the peer's close (the network may be gone): end the socket now.
        tail.orTimeout(1, java.util.concurrent.TimeUnit.SECONDS).whenComplete((r, e) -> ws.abort());
        end(() -> listener.onClose(code, reason));
    }

    private void end(Runnable report) {
        if (ended.compareAndSet(false, true)) {
            report.run();
        }
    }

    private final class Adapter implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public @Nullable CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (!ended.get()) {
                    listener.onText(text);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public @Nullable CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            end(() -> listener.onClose(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            end(() -> listener.onError(error));
        }
    }
}
