package dev.vicinity.examples.springboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A protocol client over the JDK's WebSocket: requests with ids and awaited replies; pushes kept in order. */
final class ChatClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> pushes = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    ChatClient(int port, String path) throws Exception {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://localhost:" + port + path), new Listener()).get(10, TimeUnit.SECONDS);
    }

    static ObjectNode frame(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** Sends {@code frame} with a fresh id; fails unless the reply is not an error. */
    JsonNode ok(ObjectNode frame) throws Exception {
        String id = "r" + ids.incrementAndGet();
        frame.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(frame.toString(), true).get(10, TimeUnit.SECONDS);
        JsonNode r = reply.get(15, TimeUnit.SECONDS);
        if ("error".equals(r.path("type").asText())) {
            throw new AssertionError("request " + frame + " failed: " + r);
        }
        return r;
    }

    /** Sends {@code text} as one frame, as is. */
    void sendRaw(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /** Every push received so far, in arrival order. */
    List<JsonNode> pushes() {
        synchronized (pushes) {
            return List.copyOf(pushes);
        }
    }

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
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("server sent invalid JSON: " + text, e);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
