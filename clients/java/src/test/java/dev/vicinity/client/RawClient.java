package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The raw path of the tests (shipped in vicinity-client's test jar for the server modules' tests):
 * one {@link JdkWebSocketTransport} without any of {@link VicinityClient}'s behaviour, for frames a
 * well-behaved client never sends. Sends arbitrary text and binary frames, requests with awaited
 * replies, keeps every unsolicited frame in arrival order and reports the close status. Tests of
 * protocol behaviour use {@link VicinityClient} instead. Thread-safe.
 */
public final class RawClient implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> frames = new ArrayList<>();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final JdkWebSocketTransport socket;

    /** How the socket ended; status 1006 when it was cut without a close frame. */
    public record Close(int status, String reason) {}

    /** Thrown by {@link #call} when the socket closed before the reply. */
    public static final class ClosedException extends Exception {
        private static final long serialVersionUID = 1L;
        public final transient Close close;

        ClosedException(Close close) {
            super("socket closed before the reply: " + close);
            this.close = close;
        }
    }

    private RawClient(URI uri, Map<String, String> headers) throws Exception {
        this.socket = (JdkWebSocketTransport) JdkWebSocketTransport.factory(HTTP, Duration.ofSeconds(10), headers).open(uri, new Listener());
        try {
            opened.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("could not open " + uri, e.getCause());
        }
    }

    /** Opens a socket to {@code uri}; throws when the upgrade fails. */
    public static RawClient connect(URI uri) throws Exception {
        return new RawClient(uri, Map.of());
    }

    /** Opens a socket to {@code uri} with extra upgrade-request headers (e.g. Cookie, Origin). */
    public static RawClient connect(URI uri, Map<String, String> headers) throws Exception {
        return new RawClient(uri, headers);
    }

    /** Opens a socket to {@code ws://127.0.0.1:<port>/ws}. */
    public static RawClient connect(int port) throws Exception {
        return connect(URI.create("ws://127.0.0.1:" + port + "/ws"));
    }

    public static ObjectNode frame(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** Sends {@code text} as one text frame, as is (nothing happens when the socket is closed). */
    public void sendRaw(String text) {
        socket.send(text);
    }

    /** Sends one binary frame. */
    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data));
    }

    /** Sends {@code frame} with a fresh id and returns the reply (ok, error, welcome, resumed, pong). */
    public JsonNode call(ObjectNode frame) throws Exception {
        String id = "r" + ids.incrementAndGet();
        frame.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        if (!socket.send(frame.toString())) {
            pending.remove(id);
            throw new ClosedException(closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
        CompletableFuture.anyOf(reply, closed).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!reply.isDone()) {
            pending.remove(id);
            throw new ClosedException(closed.join());
        }
        return reply.join();
    }

    /** Like {@link #call} but fails when the reply is an error. */
    public JsonNode ok(ObjectNode frame) throws Exception {
        JsonNode r = call(frame);
        if ("error".equals(r.path("type").asText())) {
            throw new AssertionError("request " + frame + " failed: " + r);
        }
        return r;
    }

    /** Sends {@code frame} and returns the error code of the reply, failing when it is not an error. */
    public String errorOf(ObjectNode frame) throws Exception {
        JsonNode r = call(frame);
        if (!"error".equals(r.path("type").asText())) {
            throw new AssertionError("request " + frame + " was expected to fail but answered " + r);
        }
        return r.path("code").asText();
    }

    /** hello with the demo credential of {@code user}; returns the welcome frame. */
    public JsonNode hello(String user) throws Exception {
        return ok(frame("hello").put("v", 1).put("token", "demo:" + user).put("device", "phone"));
    }

    /** Waits for an unsolicited frame (a push, or an error without a waiting request) matching {@code p}. */
    public JsonNode await(Predicate<JsonNode> p) throws InterruptedException {
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

    /** The unsolicited frames received so far, in arrival order. */
    public List<JsonNode> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    /** Sequence numbers of the {@code chat.message} pushes of {@code session}, in arrival order. */
    public List<Long> messageSeqs(String session) {
        return frames().stream().filter(n -> n.path("type").asText().equals("chat.message")
                && n.path("session").asText().equals(session)).map(n -> n.path("seq").asLong()).toList();
    }

    /** Completes when the socket ends (closed by either side, or cut). */
    public CompletableFuture<Close> closed() {
        return closed;
    }

    /** Waits for the close and returns it. */
    public Close awaitClose() throws Exception {
        return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes with 1000 (a sign-out: nothing to resume) and waits until the socket ended. */
    public void signOut() throws Exception {
        socket.close(1000, "bye");
        awaitClose();
    }

    /** Cuts the connection without a close frame (the server sees an abnormal loss). */
    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements ClientTransport.Listener {
        @Override
        public void onOpen() {
            opened.complete(null);
        }

        @Override
        public void onText(String text) {
            JsonNode n;
            try {
                n = JSON.readTree(text);
            } catch (IOException e) {
                n = JSON.createObjectNode().put("type", "client.invalid_json").put("text", text);
            }
            JsonNode re = n.get("re");
            CompletableFuture<JsonNode> waiting = re == null || re.isNull() ? null : pending.remove(re.asText());
            if (waiting != null) {
                waiting.complete(n);
                return;
            }
            synchronized (frames) {
                frames.add(n);
                frames.notifyAll();
            }
        }

        @Override
        public void onClose(int code, String reason) {
            closed.complete(new Close(code, reason));
        }

        @Override
        public void onError(Throwable error) {
            opened.completeExceptionally(error);
            closed.complete(new Close(1006, String.valueOf(error)));
        }
    }
}
