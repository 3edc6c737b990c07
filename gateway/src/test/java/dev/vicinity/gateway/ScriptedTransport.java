package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vicinity.gateway.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An in-memory transport that records every frame the gateway sends and how it was closed. With
 * {@code stalled} set, sends never complete (a client that stopped reading). Thread-safe.
 */
final class ScriptedTransport implements Transport {
    private static final ObjectMapper JSON = new ObjectMapper();
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final String name;
    volatile boolean stalled;
    volatile Integer closedWith;
    volatile String closeReason;

    ScriptedTransport(String name) {
        this.name = name;
    }

    @Override
    public CompletionStage<?> send(String text) {
        try {
            received.add(JSON.readTree(text));
        } catch (Exception e) {
            throw new AssertionError("gateway sent invalid JSON: " + text, e);
        }
        return stalled ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
    }

    @Override
    public void close(int status, String reason) {
        if (closedWith == null) {
            closedWith = status;
            closeReason = reason;
        }
    }

    @Override
    public String remoteAddress() {
        return "test:" + name;
    }

    boolean isClosed() {
        return closedWith != null;
    }

    /** Frames received so far of {@code type}. */
    List<JsonNode> ofType(String type) {
        return matching(f -> type.equals(f.path("type").asText()));
    }

    List<JsonNode> matching(Predicate<JsonNode> p) {
        List<JsonNode> r = new ArrayList<>();
        for (JsonNode f : received) {
            if (p.test(f)) {
                r.add(f);
            }
        }
        return r;
    }

    /** The reply (ok or error) to request {@code id}. */
    JsonNode reply(String id) {
        List<JsonNode> r = matching(f -> id.equals(f.path("re").asText(null)));
        if (r.size() != 1) {
            throw new AssertionError("expected exactly one reply to " + id + " on " + name + ", got " + r
                    + "; all frames: " + received);
        }
        return r.get(0);
    }

    void clear() {
        received.clear();
    }
}
