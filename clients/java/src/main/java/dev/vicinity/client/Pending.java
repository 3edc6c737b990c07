package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** A request waiting for its answer. Touched on the client's scheduler thread only. */
final class Pending {
    final String id;
    final String type;
    final ObjectNode frame;
    final CompletableFuture<JsonNode> result;
    Scheduler.@Nullable Cancellable timer;
    boolean sent;

    Pending(String id, String type, ObjectNode frame, CompletableFuture<JsonNode> result) {
        this.id = id;
        this.type = type;
        this.frame = frame;
        this.result = result;
    }
}
