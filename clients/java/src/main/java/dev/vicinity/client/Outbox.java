package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The outbox of a {@link VicinityClient}: one message in flight per session, retried with the same
 * client id, acked by its {@code ok} or by seeing it in the stream. Touched on the client's scheduler
 * thread only.
 */
final class Outbox {
    private static final Set<String> SENDABLE_RETRY = Set.of("rate_limited", "backend_unavailable", "internal_error", "timeout", "connection_lost");

    private final VicinityClient client;
    final List<Outgoing> outgoing = new ArrayList<>();
    private Scheduler.@Nullable Cancellable pumpTimer;
    private long pumpAt = Long.MAX_VALUE;

    Outbox(VicinityClient client) {
        this.client = client;
    }

    /** One of our messages is in the session's stream: its entry is acked whatever became of its request. */
    void storedOwn(String session, String clientId, long seq) {
        for (Outgoing o : outgoing) {
            if (o.session.equals(session) && o.clientId.equals(clientId)) {
                outgoing.remove(o);
                o.state = OutboxEntry.State.ACKED;
                o.seq = seq;
                o.error = null;
                emitOutbox(o);
                o.result.complete(new SendResult(clientId, seq, false));
                pump();
                return;
            }
        }
    }


    void emitOutbox(Outgoing o) {
        OutboxEntry e = o.snapshot();
        client.listeners.emit(l -> l.onOutbox(e));
    }

    /** Sends the next message of each session (one in flight per session, so the server stores them in order). */
    void pump() {
        if (client.state().status() != ConnectionState.Status.CONNECTED) {
            return;
        }
        long now = client.scheduler.nowMillis();
        Set<String> busy = new HashSet<>();
        long wakeAt = Long.MAX_VALUE;
        for (Outgoing o : List.copyOf(outgoing)) {
            if (o.state == OutboxEntry.State.FAILED || o.state == OutboxEntry.State.ACKED || !busy.add(o.session)) {
                continue;
            }
            if (o.state == OutboxEntry.State.SENDING) {
                continue;
            }
            if (o.notBefore > now) {
                wakeAt = Math.min(wakeAt, o.notBefore);
                continue;
            }
            sendOne(o);
        }
        if (wakeAt < Long.MAX_VALUE && wakeAt < pumpAt) {
            VicinityClient.cancel(pumpTimer);
            pumpAt = wakeAt;
            pumpTimer = client.scheduler.schedule(() -> {
                pumpAt = Long.MAX_VALUE;
                pumpTimer = null;
                pump();
            }, wakeAt - now);
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the callback handles both outcomes
    void sendOne(Outgoing o) {
        o.state = OutboxEntry.State.SENDING;
        o.attempts++;
        emitOutbox(o);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        client.requests.enqueue("chat.send", client.json.createObjectNode().put("session", o.session).put("clientId", o.clientId).put("text", o.text), answer);
        answer.whenComplete((ok, e) -> {
            if (e == null) {
                if (o.state != OutboxEntry.State.SENDING) {
                    return; // acked meanwhile by seeing it in the stream
                }
                o.state = OutboxEntry.State.ACKED;
                o.seq = ok.path("seq").asLong();
                o.duplicate = ok.path("duplicate").asBoolean(false);
                outgoing.remove(o);
                emitOutbox(o);
                o.result.complete(new SendResult(o.clientId, o.seq, o.duplicate));
                pump();
                return;
            }
            if (o.state != OutboxEntry.State.SENDING) {
                return;
            }
            VicinityClientException v = VicinityClient.unwrap(e) instanceof VicinityClientException x ? x
                    : new VicinityClientException("internal_error", String.valueOf(e), null, "chat.send");
            if (v.code().equals("connection_lost") || v.code().equals("stopped")) {
                o.state = OutboxEntry.State.PENDING; // sent again with the same client id once connected
            } else if (SENDABLE_RETRY.contains(v.code()) && ++o.failures < client.opts.maxSendAttempts) {
                o.state = OutboxEntry.State.PENDING;
                o.notBefore = client.scheduler.nowMillis() + v.retryAfterMs().orElse(client.backoffDelay(o.failures));
            } else {
                o.state = OutboxEntry.State.FAILED;
                o.error = v;
                o.result.completeExceptionally(v);
            }
            emitOutbox(o);
            pump();
        });
    }

    /** {@link VicinityClient#retryMessage}, on the scheduler thread. */
    void retry(String clientId) {
        for (Outgoing o : outgoing) {
            if (o.clientId.equals(clientId) && o.state == OutboxEntry.State.FAILED) {
                o.state = OutboxEntry.State.PENDING;
                o.failures = 0;
                o.notBefore = 0;
                o.error = null;
                emitOutbox(o);
                pump();
                return;
            }
        }
    }

    /** {@link VicinityClient#discardMessage}, on the scheduler thread. */
    void discard(String clientId) {
        for (Outgoing o : outgoing) {
            if (o.clientId.equals(clientId)
                    && (o.state == OutboxEntry.State.FAILED || (o.state == OutboxEntry.State.PENDING && o.attempts == 0))) {
                outgoing.remove(o);
                o.result.completeExceptionally(new VicinityClientException("discarded",
                        "the message was discarded before it was sent", null, "chat.send"));
                return;
            }
        }
    }
}
