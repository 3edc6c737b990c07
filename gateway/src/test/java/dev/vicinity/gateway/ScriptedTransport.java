package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vicinity.gateway.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An in-memory transport that records every frame the gateway sends and how it was closed. With
 * {@code stalled} set, sends never complete (a client that stopped reading). Thread-safe.
 *
 * <p>Every frame it receives is validated against the protocol schema (protocol/schema/server-frame.json;
 * an {@code ok} also against the answer schema of the request it answers), and every request sent
 * through {@link #expectAnswer} against the client schema once the server answered it without
 * refusing the frame itself (see {@link #FRAME_REFUSALS}). A violation is recorded, never thrown into
 * the gateway: {@link FrameSchemaCheck} fails the test with it, and so does reading the frames here.
 */
final class ScriptedTransport implements Transport {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Error codes saying the request frame itself was bad (wrong JSON type, out of range, bad id...):
     * such a request is not expected to match the client schema, so it is not validated.
     */
    static final Set<String> FRAME_REFUSALS = Set.of("malformed_frame", "frame_too_large", "missing_id", "unknown_type",
            "invalid_field", "invalid_id", "unsupported_version", "binary_not_supported", "empty_message",
            "message_too_large", "invalid_coordinates", "invalid_accuracy", "invalid_stars", "comment_too_long",
            "too_many_tags", "invalid_tag", "invalid_idempotency_key", "invalid_participants", "invalid_cursor");
    /** Schema violations of every transport since {@link FrameSchemaCheck} last looked (one test at a time). */
    static final Queue<String> VIOLATIONS = new ConcurrentLinkedQueue<>();

    /** Requests sent on this socket that await their answer, by id. */
    private final Map<String, JsonNode> awaiting = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
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
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("gateway sent invalid JSON: " + text, e);
        }
        received.add(frame);
        check(frame);
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

    /** {@code request} (a frame about to be sent, with an {@code id}) is validated once answered. */
    void expectAnswer(JsonNode request) {
        JsonNode id = request.get("id");
        if (id != null && id.isTextual()) {
            awaiting.put(id.asText(), request);
        }
    }

    private void check(JsonNode frame) {
        JsonNode re = frame.get("re");
        JsonNode request = re != null && re.isTextual() ? awaiting.remove(re.asText()) : null;
        List<String> errors = request == null ? FrameSchemas.serverFrameErrors(frame)
                : FrameSchemas.answerErrors(request.path("type").asText(), frame);
        if (!errors.isEmpty()) {
            violation("server frame " + frame + (request == null ? "" : " (answering " + request + ")")
                    + " violates the protocol schema: " + errors);
        }
        // A frame type of a host's own module (no schema of ours) is not the protocol's to check.
        if (request != null && !FRAME_REFUSALS.contains(frame.path("code").asText())
                && FrameSchemas.exists("client/" + request.path("type").asText() + ".json")) {
            List<String> requestErrors = FrameSchemas.clientFrameErrors(request);
            if (!requestErrors.isEmpty()) {
                violation("client frame " + request + " was answered " + frame
                        + " but violates the protocol schema: " + requestErrors);
            }
        }
    }

    private void violation(String v) {
        String message = name + ": " + v;
        violations.add(message);
        VIOLATIONS.add(message);
    }

    /** Fails with the schema violations of this transport, if any. */
    void assertSchemaValid() {
        if (!violations.isEmpty()) {
            throw new AssertionError(String.join("\n", violations));
        }
    }

    boolean isClosed() {
        return closedWith != null;
    }

    /** Frames received so far of {@code type}. */
    List<JsonNode> ofType(String type) {
        return matching(f -> type.equals(f.path("type").asText()));
    }

    List<JsonNode> matching(Predicate<JsonNode> p) {
        assertSchemaValid();
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
