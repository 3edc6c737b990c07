package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The chat sessions of a {@link VicinityClient}: each session's messages once and in sequence order
 * (duplicates dropped, gaps filled from {@code chat.history}), each session version once. Touched on the
 * client's scheduler thread only.
 */
final class SessionStreams {
    private static final List<String> SESSION_KEYS = List.of("session", "state", "endReason", "inviter", "version", "participants", "timeoutAt");

    private final VicinityClient client;
    final Map<String, SessionState> sessions = new HashMap<>();

    SessionStreams(VicinityClient client) {
        this.client = client;
    }

    SessionState ensure(String id, long baseline) {
        return sessions.computeIfAbsent(id, k -> new SessionState(k, baseline));
    }

    void applySession(JsonNode frame) {
        ObjectNode shape = client.json.createObjectNode();
        for (String k : SESSION_KEYS) {
            if (frame.has(k)) {
                shape.set(k, frame.get(k));
            }
        }
        SessionState s = ensure(shape.path("session").asText(), 0);
        long version = shape.path("version").asLong();
        if (version <= s.version) {
            return;
        }
        s.version = version;
        s.shape = shape;
        client.listeners.emit(l -> l.onSession(s.id, shape, null));
    }

    void applyView(JsonNode view, boolean replayedByServer) {
        String id = view.path("session").asText();
        boolean known = sessions.containsKey(id);
        SessionState s = ensure(id, view.path("top").asLong());
        applySession(view);
        long top = view.path("top").asLong();
        if (known && !replayedByServer && top > s.lastSeq) {
            fill(s, top, true);
        }
    }

    void onChatResumed(JsonNode frame) {
        String id = frame.path("session").asText();
        String code = frame.path("code").asText(null);
        if ("not_joined".equals(code) && isSessionShape(frame)) {
            applySession(frame);
            return;
        }
        if (code != null) {
            sessions.remove(id);
            client.listeners.emit(l -> l.onSession(id, null, code));
            return;
        }
        if (isSessionShape(frame)) {
            applySession(frame);
        }
        SessionState s = ensure(id, 0);
        if (!frame.path("recovered").asBoolean(false) && frame.has("top") && frame.get("top").asLong() > s.lastSeq) {
            fill(s, frame.get("top").asLong(), true);
        }
    }

    void onMessage(JsonNode m, boolean replayed) {
        SessionState s = ensure(m.path("session").asText(), 0);
        long seq = m.path("seq").asLong();
        if (seq <= s.lastSeq || s.buffer.containsKey(seq)) {
            return; // already delivered or waiting
        }
        if (seq == s.lastSeq + 1 && !s.filling) {
            deliver(s, m, replayed);
            drain(s);
            return;
        }
        s.buffer.put(seq, new Buffered(m, replayed));
        if (seq != s.lastSeq + 1) {
            fill(s, seq - 1, false);
        } else {
            drain(s);
        }
    }

    void deliver(SessionState s, JsonNode m, boolean replayed) {
        long seq = m.path("seq").asLong();
        s.lastSeq = seq;
        s.buffer.remove(seq);
        String from = m.path("from").asText(null);
        String clientId = m.hasNonNull("clientId") ? m.get("clientId").asText() : null;
        if (clientId != null && client.info != null && Objects.equals(from, client.info.path("user").asText(null))) {
            client.outbox.storedOwn(s.id, clientId, seq);
        }
        ChatMessage msg = new ChatMessage(s.id, seq, from, clientId, m.path("text").asText(""), m.path("at").asLong(), replayed);
        client.listeners.emit(l -> l.onMessage(msg));
    }


    void drain(SessionState s) {
        if (s.filling) {
            return;
        }
        for (Buffered next = s.buffer.get(s.lastSeq + 1); next != null; next = s.buffer.get(s.lastSeq + 1)) {
            deliver(s, next.message(), next.replayed());
        }
    }

    /** Loads history after the session's last sequence up to {@code target} (or the top), one fill per session at a time. */
    void fill(SessionState s, long target, boolean toTop) {
        s.fillTarget = Math.max(s.fillTarget, target);
        if (s.filling) {
            return;
        }
        s.filling = true;
        fillStep(s, toTop);
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the callback handles both outcomes
    void fillStep(SessionState s, boolean toTop) {
        if (s.lastSeq >= s.fillTarget || sessions.get(s.id) != s) {
            endFill(s);
            return;
        }
        int max = Math.min(client.opts.historyPageSize, client.info == null ? 200 : client.info.path("limits").path("maxHistoryPage").asInt(200));
        CompletableFuture<JsonNode> page = new CompletableFuture<>();
        client.requests.enqueue("chat.history", client.json.createObjectNode().put("session", s.id).put("after", s.lastSeq).put("limit", max), page);
        page.whenComplete((p, e) -> {
            if (e != null) {
                Throwable c = VicinityClient.unwrap(e);
                if (c instanceof VicinityClientException v && v.retryable() && !v.code().equals("connection_lost")) {
                    client.scheduler.schedule(() -> fillStep(s, toTop), v.retryAfterMs().orElse(client.backoffDelay(1)));
                } else {
                    endFill(s); // not joined any more, or dropped: a resume or the next welcome brings the rest
                }
                return;
            }
            if (toTop) {
                s.fillTarget = Math.max(s.fillTarget, p.path("top").asLong());
            }
            boolean skipped = false;
            if (!p.path("complete").asBoolean(true) && p.hasNonNull("oldestRetained")
                    && p.get("oldestRetained").asLong() > s.lastSeq + 1) {
                long oldest = p.get("oldestRetained").asLong();
                GapEvent gap = new GapEvent(s.id, s.lastSeq + 1, oldest - 1);
                client.listeners.emit(l -> l.onGap(gap));
                s.lastSeq = oldest - 1;
                skipped = true;
            }
            ArrayNode messages = p.path("messages").isArray() ? (ArrayNode) p.get("messages") : client.json.createArrayNode();
            if (messages.isEmpty() && !skipped) {
                endFill(s); // nothing more to load now: never spin
                return;
            }
            for (JsonNode m : messages) {
                long seq = m.path("seq").asLong();
                if (seq <= s.lastSeq) {
                    continue;
                }
                if (seq > s.lastSeq + 1) {
                    GapEvent gap = new GapEvent(s.id, s.lastSeq + 1, seq - 1);
                    client.listeners.emit(l -> l.onGap(gap));
                }
                deliver(s, m, true);
            }
            for (Buffered next = s.buffer.get(s.lastSeq + 1); next != null; next = s.buffer.get(s.lastSeq + 1)) {
                deliver(s, next.message(), next.replayed());
            }
            fillStep(s, toTop);
        });
    }

    void endFill(SessionState s) {
        s.filling = false;
        drain(s);
    }

    static boolean isSessionShape(JsonNode f) {
        return f.path("session").isTextual() && f.path("state").isTextual() && f.path("version").isNumber() && f.path("participants").isArray();
    }
}
