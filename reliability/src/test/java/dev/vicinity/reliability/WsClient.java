package dev.vicinity.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A protocol client over a real WebSocket (the JDK's {@code java.net.http} client), for hostile and
 * well-behaved traffic alike: raw text and binary frames, requests with awaited replies, every frame
 * the server sent in arrival order, and the close status and reason. Thread-safe for sending from one
 * thread; the listener runs on the client's executor.
 */
final class WsClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> frames = new ArrayList<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** How the server ended the socket; status 1006 when it was cut without a close frame. */
    record Close(int status, String reason) {}

    private WsClient(int port) throws Exception {
        this.socket = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Listener())
                .get(10, TimeUnit.SECONDS);
    }

    /** Thrown by {@link #call} when the server closed the socket before answering (or before the request was written). */
    static final class ClosedException extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Close close;

        ClosedException(Close close) {
            super("socket closed before the reply: " + close);
            this.close = close;
        }
    }

    static WsClient connect(int port) throws Exception {
        return new WsClient(port);
    }

    static ObjectNode frame(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** Sends raw text as one WebSocket text frame, waiting until it is written. */
    void sendRaw(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /** Sends one binary frame. */
    void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
    }

    /** Sends {@code frame} with a fresh id and returns the reply (ok, error, welcome, resumed, pong). */
    JsonNode call(ObjectNode frame) throws Exception {
        String id = "r" + ids.incrementAndGet();
        frame.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            socket.sendText(frame.toString(), true).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // The server's close can race our write ("Output closed"): the close it sent is the answer.
            pending.remove(id);
            try {
                throw new ClosedException(closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (java.util.concurrent.TimeoutException notClosed) {
                throw e;
            }
        }
        CompletableFuture.anyOf(reply, closed).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!reply.isDone()) {
            throw new ClosedException(closed.join());
        }
        return reply.join();
    }

    /** Like {@link #call} but fails when the reply is an error. */
    JsonNode ok(ObjectNode frame) throws Exception {
        JsonNode r = call(frame);
        if ("error".equals(r.path("type").asText())) {
            throw new AssertionError("request " + frame + " failed: " + r);
        }
        return r;
    }

    /** Sends {@code frame} and returns the error code of the reply, failing when it is not an error. */
    String errorOf(ObjectNode frame) throws Exception {
        JsonNode r = call(frame);
        if (!"error".equals(r.path("type").asText())) {
            throw new AssertionError("request " + frame + " was expected to fail but answered " + r);
        }
        return r.path("code").asText();
    }

    /** hello with the demo credential of {@code user}; returns the welcome frame. */
    JsonNode hello(String user) throws Exception {
        return ok(frame("hello").put("v", 1).put("token", "demo:" + user).put("device", "phone"));
    }

    /** Waits for an unsolicited frame (a push, or an error with {@code re: null}) matching {@code p}. */
    JsonNode await(Predicate<JsonNode> p) throws InterruptedException {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (frames) {
            while (true) {
                for (JsonNode n : frames) {
                    if (p.test(n)) {
                        return n;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching frame within " + TIMEOUT + "; got " + frames);
                }
                frames.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The unsolicited frames (pushes, errors without a pending request) received so far, in order. */
    List<JsonNode> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    /** Completes when the server closes the socket (or it is cut). */
    CompletableFuture<Close> closed() {
        return closed;
    }

    /** Waits for the close and returns it. */
    Close awaitClose() throws Exception {
        return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Cuts the TCP connection without a close frame (the server sees an abnormal loss). */
    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                JsonNode n;
                try {
                    n = JSON.readTree(text);
                } catch (java.io.IOException e) {
                    n = JSON.createObjectNode().put("type", "client.invalid_json").put("text", text);
                }
                JsonNode re = n.get("re");
                CompletableFuture<JsonNode> waiting = re == null || re.isNull() ? null : pending.remove(re.asText());
                if (waiting != null) {
                    waiting.complete(n);
                } else {
                    synchronized (frames) {
                        frames.add(n);
                        frames.notifyAll();
                    }
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(new Close(1006, String.valueOf(error)));
        }
    }
}
