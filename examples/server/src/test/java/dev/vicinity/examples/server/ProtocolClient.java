package dev.vicinity.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
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
 * A test client of the Vicinity protocol over a real WebSocket (the JDK's client): requests with
 * ids and awaited replies, every push kept in arrival order, and the close status.
 */
final class ProtocolClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final WebSocket socket;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> pushes = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();

    private ProtocolClient(String url, Map<String, String> headers) throws Exception {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(URI.create(url), new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** Opens a socket to {@code ws://localhost:<port>/ws}. */
    static ProtocolClient connect(int port) throws Exception {
        return connect(port, Map.of());
    }

    /** Opens a socket to {@code ws://localhost:<port>/ws} with extra upgrade-request headers (e.g. Cookie, Origin). */
    static ProtocolClient connect(int port, Map<String, String> headers) throws Exception {
        return new ProtocolClient("ws://localhost:" + port + "/ws", headers);
    }

    static ObjectNode frame(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** Sends {@code frame} with a fresh id and returns the reply (ok, error, welcome, resumed, pong). */
    JsonNode call(ObjectNode frame) throws Exception {
        String id = "r" + ids.incrementAndGet();
        frame.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(frame.toString(), true).get(10, TimeUnit.SECONDS);
        return reply.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Like {@link #call} but fails unless the reply is not an error. */
    JsonNode ok(ObjectNode frame) throws Exception {
        JsonNode r = call(frame);
        if ("error".equals(r.path("type").asText())) {
            throw new AssertionError("request " + frame + " failed: " + r);
        }
        return r;
    }

    /** Waits for a push matching {@code p} (already received or arriving within the timeout). */
    JsonNode awaitPush(Predicate<JsonNode> p) throws InterruptedException {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (pushes) {
            while (true) {
                for (JsonNode n : pushes) {
                    if (p.test(n)) {
                        return n;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching push within " + TIMEOUT + "; got " + pushes);
                }
                pushes.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Every push received so far, in arrival order. */
    List<JsonNode> pushes() {
        synchronized (pushes) {
            return List.copyOf(pushes);
        }
    }

    /** Sequence numbers of the {@code chat.message} pushes of {@code session}, in arrival order. */
    List<Long> messageSeqs(String session) {
        return pushes().stream().filter(n -> n.path("type").asText().equals("chat.message")
                && n.path("session").asText().equals(session)).map(n -> n.path("seq").asLong()).toList();
    }

    /** Completes with the close status (1006 when the connection was cut without a close frame). */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    /** Closes with 1000 (a sign-out: nothing to resume) and waits for the server's close. */
    void signOut() throws Exception {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Drops the socket without a close frame (a resumable drop for the server). */
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
                try {
                    JsonNode n = JSON.readTree(text);
                    JsonNode re = n.get("re");
                    if (re != null && !re.isNull() && pending.containsKey(re.asText())) {
                        pending.remove(re.asText()).complete(n);
                    } else {
                        synchronized (pushes) {
                            pushes.add(n);
                            pushes.notifyAll();
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("server sent invalid JSON: " + text, e);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(1006);
        }
    }
}
