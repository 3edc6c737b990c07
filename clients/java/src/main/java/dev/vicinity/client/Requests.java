package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The requests of a {@link VicinityClient} waiting for their answers: ids, timeouts, sending when
 * connected, failing them when the socket drops or the client stops. Touched on the client's scheduler
 * thread only.
 */
final class Requests {
    private final VicinityClient client;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private long counter;

    Requests(VicinityClient client) {
        this.client = client;
    }

    String nextId() {
        return "c" + Long.toString(++counter, 36);
    }

    void enqueue(String type, ObjectNode fields, CompletableFuture<JsonNode> result) {
        if (client.state().status() == ConnectionState.Status.STOPPED) {
            result.completeExceptionally(new VicinityClientException("stopped", "the client is stopped", null, type));
            return;
        }
        String id = nextId();
        ObjectNode f = client.frame(type).put("id", id);
        f.setAll(fields);
        f.put("type", type).put("id", id);
        Pending p = new Pending(id, type, f, result);
        p.timer = client.scheduler.schedule(() -> {
            if (pending.get(id) == p) {
                pending.remove(id);
                result.completeExceptionally(new VicinityClientException("timeout", "no answer to " + type + " within the timeout", null, type));
            }
        }, client.opts.requestTimeoutMs);
        pending.put(id, p);
        if (client.state().status() == ConnectionState.Status.CONNECTED) {
            transmit(p);
        }
    }

    void transmit(Pending p) {
        int max = client.info == null ? Integer.MAX_VALUE : client.info.path("limits").path("maxFrameBytes").asInt(Integer.MAX_VALUE);
        String text = p.frame.toString();
        if (text.getBytes(StandardCharsets.UTF_8).length > max) {
            pending.remove(p.id);
            VicinityClient.cancel(p.timer);
            p.result.completeExceptionally(new VicinityClientException("frame_too_large",
                    "the " + p.type + " frame is larger than the server's " + max + " bytes", null, p.type));
            return;
        }
        if (client.socket != null && client.socket.send(text)) {
            p.sent = true;
        }
    }

    /** Sends the requests queued while not connected. */
    void transmitUnsent() {
        for (Pending p : List.copyOf(pending.values())) {
            if (!p.sent) {
                transmit(p);
            }
        }
    }

    /** The request {@code re} answers, removed from the waiting ones, its timer cancelled; null if none. */
    @Nullable Pending answered(String re) {
        Pending p = pending.remove(re);
        if (p != null) {
            VicinityClient.cancel(p.timer);
        }
        return p;
    }

    /** Fails every waiting request with {@code stopped}. */
    void failAll(String reason) {
        for (Pending p : List.copyOf(pending.values())) {
            pending.remove(p.id);
            VicinityClient.cancel(p.timer);
            p.result.completeExceptionally(new VicinityClientException("stopped",
                    "stopped (" + reason + ") before " + p.type + " was answered", null, p.type));
        }
    }

    void failInFlight() {
        for (Pending p : List.copyOf(pending.values())) {
            if (!p.sent) {
                continue;
            }
            pending.remove(p.id);
            VicinityClient.cancel(p.timer);
            p.result.completeExceptionally(new VicinityClientException("connection_lost",
                    "the connection dropped before " + p.type + " was answered", null, p.type));
        }
    }

    /** Sends an idempotent request again after retryable failures (same body, so the same idempotency key), up to {@code max} attempts. */
    void retrying(String type, ObjectNode body, int n, int max, CompletableFuture<JsonNode> result) {
        client.request(type, body).whenComplete((ok, e) -> {
            if (e == null) {
                result.complete(ok);
                return;
            }
            Throwable cause = VicinityClient.unwrap(e);
            if (!(cause instanceof VicinityClientException v) || !v.retryable() || n >= max) {
                result.completeExceptionally(cause);
                return;
            }
            client.scheduler.schedule(() -> retrying(type, body, n + 1, max, result), v.retryAfterMs().orElse(client.backoffDelay(n)));
        });
    }

    /** The stage of {@code raw}'s answer read by {@code answer}; fails with the {@link VicinityClientException} itself (not wrapped). */
    static <T> CompletionStage<T> typed(CompletionStage<JsonNode> raw, Function<JsonNode, T> answer) {
        CompletableFuture<T> out = new CompletableFuture<>();
        raw.whenComplete((a, e) -> {
            if (e != null) {
                out.completeExceptionally(VicinityClient.unwrap(e));
                return;
            }
            try {
                out.complete(answer.apply(a));
            } catch (RuntimeException x) {
                out.completeExceptionally(x);
            }
        });
        return out;
    }
}
