package dev.vicinity.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process client of a {@link Vicinity} node: its transport records every frame the node sends;
 * {@link #request} sends one frame through the node's transport callbacks and returns its reply
 * (replies are synchronous; pushes may arrive later from the bus). Thread-safe.
 */
final class TestClient implements Transport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IDS = new AtomicInteger();

    final String name;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final Vicinity vicinity;
    final GatewayConnection connection;
    volatile Integer closedWith;

    TestClient(Vicinity vicinity, String name) {
        this.vicinity = vicinity;
        this.name = name;
        this.connection = vicinity.open(this);
    }

    @Override
    public CompletionStage<?> send(String text) {
        try {
            received.add(JSON.readTree(text));
        } catch (Exception e) {
            throw new AssertionError("the node sent invalid JSON: " + text, e);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close(int status, String reason) {
        if (closedWith == null) {
            closedWith = status;
        }
    }

    @Override
    public String remoteAddress() {
        return "test:" + name;
    }

    /** Sends a frame built from alternating key/value pairs and returns its reply ({@code ok}, {@code error}…). */
    JsonNode request(String type, Object... kv) {
        String id = "r" + IDS.incrementAndGet();
        ObjectNode f = JSON.createObjectNode().put("type", type).put("id", id);
        for (int i = 0; i < kv.length; i += 2) {
            f.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        vicinity.onText(connection, f.toString());
        List<JsonNode> replies = received.stream().filter(r -> id.equals(r.path("re").asText(null))).toList();
        if (replies.size() != 1) {
            throw new AssertionError("expected one reply to " + f + " on " + name + ", got " + replies
                    + "; all frames: " + received);
        }
        return replies.get(0);
    }

    JsonNode hello() {
        return request("hello", "v", 1, "token", "token-" + name, "device", "phone");
    }

    /** Pushes received so far of {@code type}. */
    List<JsonNode> pushes(String type) {
        return received.stream().filter(f -> type.equals(f.path("type").asText())).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
