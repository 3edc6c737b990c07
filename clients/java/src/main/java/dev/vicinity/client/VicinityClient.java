package dev.vicinity.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Vicinity WebSocket protocol (docs/protocol.md, docs/clients.md), the Java
 * counterpart of {@code @vicinity/client}.
 *
 * <p>It keeps one logical connection alive across sockets: {@code hello}, then on every drop a
 * reconnect with exponential backoff and jitter and a {@code resume} with the last sequence of every
 * session (a fresh {@code hello} after {@code resume_expired}); it stops on the protocol's final close
 * codes. It pings at the interval {@code welcome} announces; when no frame at all arrives within the
 * pong timeout after a ping, it drops the socket (close 4000) and reconnects. Messages go through an
 * outbox: each gets a client id once, is retried with that id across reconnects (the server stores a
 * client id once), one in flight per session, and ends {@code ACKED} with its sequence or
 * {@code FAILED}. Each session's messages reach {@link VicinityClientListener#onMessage} once and in
 * sequence order (gaps filled from {@code chat.history}).
 *
 * <p>Thread-safety: every public method may be called from any thread; all state changes run on the
 * {@link Scheduler}'s thread, one at a time, and listeners and the returned stages' completions run
 * there too. Never block that thread waiting for a stage of this client (it would deadlock).
 */
public final class VicinityClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VicinityClient.class);
    private static final Set<String> SENDABLE_RETRY = Set.of("rate_limited", "backend_unavailable", "internal_error", "timeout", "connection_lost");
    private static final Set<String> HANDSHAKE_RETRY = Set.of("backend_unavailable", "rate_limited", "auth_pending", "internal_error");
    private static final List<String> SESSION_KEYS = List.of("session", "state", "endReason", "inviter", "version", "participants", "timeoutAt");
    /** Close statuses after which the client stops, and those after which it says hello again (docs/protocol.md). */
    private static final Set<Integer> STOP_CODES = Set.of(1000, 4200, 4201, 4202, 4203, 4204);
    private static final Set<Integer> HELLO_CODES = Set.of(4100, 4101);

    private final ObjectMapper json = new ObjectMapper();
    private final Builder opts;
    private final Scheduler scheduler;
    private final List<VicinityClientListener> listeners = new CopyOnWriteArrayList<>();

    // Everything below is touched on the scheduler thread only.
    private ConnectionState current = new ConnectionState(ConnectionState.Status.IDLE, null, null, 0, null, false, null);
    private ClientTransport socket;
    private int generation;
    private String resumeToken;
    private boolean hadConnection;
    private int attempt;
    private long requestCounter;
    private String handshakeId;
    private Set<String> namedInResume = Set.of();
    private JsonNode info;
    private long heartbeatMs = 10_000;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, SessionState> sessions = new HashMap<>();
    private final List<Outgoing> outgoing = new ArrayList<>();
    private Scheduler.Cancellable reconnectTimer;
    private Scheduler.Cancellable connectTimer;
    private Scheduler.Cancellable heartbeatTimer;
    private Scheduler.Cancellable pongTimer;
    private Scheduler.Cancellable pumpTimer;
    private long pumpAt = Long.MAX_VALUE;

    private VicinityClient(Builder b) {
        this.opts = b;
        this.scheduler = b.scheduler;
        this.resumeToken = b.resume;
    }

    /** Starts building a client for {@code url} with the host credential {@code token} and this installation's {@code device}. */
    public static Builder builder(Supplier<URI> url, Supplier<String> token, String device) {
        return new Builder(url, token, device);
    }

    // ------------------------------------------------------------------ public API

    /** Adds a listener; returns the handle that removes it. */
    public Runnable addListener(VicinityClientListener listener) {
        listeners.add(Objects.requireNonNull(listener));
        return () -> listeners.remove(listener);
    }

    /** Opens the connection (if idle or stopped). Returns at once; follow {@link VicinityClientListener#onState}. */
    public void connect() {
        scheduler.execute(() -> {
            if (current.status() == ConnectionState.Status.IDLE || current.status() == ConnectionState.Status.STOPPED) {
                attempt = 0;
                openSocket();
            }
        });
    }

    /** Says {@code bye}, closes the socket with 1000 and stops; pending requests fail with {@code stopped}. */
    @Override
    public void close() {
        scheduler.execute(() -> {
            if (current.status() == ConnectionState.Status.CONNECTED) {
                rawSend(frame("bye").put("id", nextRequestId()));
            }
            stop("closed", null, null);
        });
    }

    /** The current connection state (a snapshot, possibly a task behind). */
    public ConnectionState state() {
        return current;
    }

    /** The resume token of the current connection (keep it to resume after a restart of the app), or null. */
    public String resumeToken() {
        return resumeToken;
    }

    /**
     * Sends a request of {@code type} with {@code fields} (without {@code type} and {@code id}) and
     * completes with the {@code ok} answer, or exceptionally with a {@link VicinityClientException}.
     * Queued while not connected; sent once connected; fails with {@code timeout} after the request timeout.
     */
    public CompletionStage<JsonNode> request(String type, Map<String, ?> fields) {
        ObjectNode body = json.valueToTree(fields == null ? Map.of() : fields);
        return request(type, body);
    }

    /** {@link #request(String, Map)} with the fields as a JSON object. */
    public CompletionStage<JsonNode> request(String type, ObjectNode fields) {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        ObjectNode copy = fields.deepCopy();
        scheduler.execute(() -> enqueue(type, copy, result));
        return result;
    }

    /** Invites users to a new chat; completes with the session shape. */
    public CompletionStage<JsonNode> invite(List<String> to) {
        ObjectNode f = json.createObjectNode();
        f.putArray("to").addAll(to.stream().map(json.getNodeFactory()::textNode).toList());
        return request("chat.invite", f);
    }

    public CompletionStage<JsonNode> accept(String session) {
        return request("chat.accept", json.createObjectNode().put("session", session));
    }

    public CompletionStage<JsonNode> decline(String session) {
        return request("chat.decline", json.createObjectNode().put("session", session));
    }

    public CompletionStage<JsonNode> leave(String session) {
        return request("chat.leave", json.createObjectNode().put("session", session));
    }

    /** One page of a session's history (not passed to {@code onMessage}). */
    public CompletionStage<JsonNode> history(String session, long after, int limit) {
        return request("chat.history", json.createObjectNode().put("session", session).put("after", after).put("limit", limit));
    }

    /** Reports where the user is ({@code geo.location}); {@code extra} may hold {@code accuracy}, {@code visibility}, … */
    public CompletionStage<JsonNode> updateLocation(double lat, double lon, Map<String, ?> extra) {
        ObjectNode f = json.valueToTree(extra == null ? Map.of() : extra);
        return request("geo.location", f.put("lat", lat).put("lon", lon));
    }

    /** One page of nearby users ({@code geo.nearby}); {@code fields} as the protocol names them ({@code radius}, {@code limit}, …). */
    public CompletionStage<JsonNode> nearby(Map<String, ?> fields) {
        return request("geo.nearby", fields);
    }

    /**
     * Rates a participant of an ended session ({@code rating.submit}); {@code fields} as the protocol
     * names them. An {@code idempotencyKey} is added when absent and kept for retries after lost
     * connections, timeouts and rate limits (up to {@code maxAttempts}), so the rating counts once.
     */
    public CompletionStage<JsonNode> submitRating(Map<String, ?> fields, int maxAttempts) {
        ObjectNode body = json.valueToTree(fields);
        if (!body.hasNonNull("idempotencyKey")) {
            body.put("idempotencyKey", opts.newId.get());
        }
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        submitAttempt(body, 1, maxAttempts, result);
        return result;
    }

    private void submitAttempt(ObjectNode body, int n, int max, CompletableFuture<JsonNode> result) {
        request("rating.submit", body).whenComplete((ok, e) -> {
            if (e == null) {
                result.complete(ok);
                return;
            }
            Throwable cause = unwrap(e);
            if (!(cause instanceof VicinityClientException v) || !v.retryable() || n >= max) {
                result.completeExceptionally(cause);
                return;
            }
            scheduler.schedule(() -> submitAttempt(body, n + 1, max, result), v.retryAfterMs().orElse(backoffDelay(n)));
        });
    }

    /**
     * Queues a chat message in the outbox and returns its client id at once (render it as pending) and
     * a stage of its sequence. Sent when connected, one in flight per session, and retried with the
     * same client id after drops, timeouts, rate limits and outages, so it is stored exactly once.
     */
    public Send sendMessage(String session, String text) {
        String clientId = opts.newId.get();
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            Outgoing o = new Outgoing(clientId, session, text, result);
            outgoing.add(o);
            emitOutbox(o);
            pump();
        });
        return new Send(clientId, result);
    }

    /** The client id of a queued message and the stage of its outcome. */
    public record Send(String clientId, CompletionStage<SendResult> result) {}

    /** Puts a {@code FAILED} message back in the queue with the same client id. */
    public void retryMessage(String clientId) {
        scheduler.execute(() -> {
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
        });
    }

    /** Removes a {@code FAILED} or never-sent {@code PENDING} message; its stage fails with {@code discarded}. */
    public void discardMessage(String clientId) {
        scheduler.execute(() -> {
            for (Outgoing o : outgoing) {
                if (o.clientId.equals(clientId)
                        && (o.state == OutboxEntry.State.FAILED || (o.state == OutboxEntry.State.PENDING && o.attempts == 0))) {
                    outgoing.remove(o);
                    o.result.completeExceptionally(new VicinityClientException("discarded",
                            "the message was discarded before it was sent", null, "chat.send"));
                    return;
                }
            }
        });
    }

    /** The messages not yet acked, oldest first (a snapshot taken on the scheduler thread). */
    public CompletionStage<List<OutboxEntry>> outbox() {
        CompletableFuture<List<OutboxEntry>> f = new CompletableFuture<>();
        scheduler.execute(() -> f.complete(outgoing.stream().map(Outgoing::snapshot).toList()));
        return f;
    }

    /** The last sequence delivered of a session (-1 when unknown); a snapshot taken on the scheduler thread. */
    public CompletionStage<Long> lastSeq(String session) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        scheduler.execute(() -> {
            SessionState s = sessions.get(session);
            f.complete(s == null ? -1L : s.lastSeq);
        });
        return f;
    }

    // ------------------------------------------------------------------ requests

    private void enqueue(String type, ObjectNode fields, CompletableFuture<JsonNode> result) {
        if (current.status() == ConnectionState.Status.STOPPED) {
            result.completeExceptionally(new VicinityClientException("stopped", "the client is stopped", null, type));
            return;
        }
        String id = nextRequestId();
        ObjectNode f = frame(type).put("id", id);
        f.setAll(fields);
        f.put("type", type).put("id", id);
        Pending p = new Pending(id, type, f, result);
        p.timer = scheduler.schedule(() -> {
            if (pending.get(id) == p) {
                pending.remove(id);
                result.completeExceptionally(new VicinityClientException("timeout", "no answer to " + type + " within the timeout", null, type));
            }
        }, opts.requestTimeoutMs);
        pending.put(id, p);
        if (current.status() == ConnectionState.Status.CONNECTED) {
            transmit(p);
        }
    }

    private void transmit(Pending p) {
        int max = info == null ? Integer.MAX_VALUE : info.path("limits").path("maxFrameBytes").asInt(Integer.MAX_VALUE);
        String text = p.frame.toString();
        if (text.getBytes(StandardCharsets.UTF_8).length > max) {
            pending.remove(p.id);
            cancel(p.timer);
            p.result.completeExceptionally(new VicinityClientException("frame_too_large",
                    "the " + p.type + " frame is larger than the server's " + max + " bytes", null, p.type));
            return;
        }
        if (socket != null && socket.send(text)) {
            p.sent = true;
        }
    }

    private boolean rawSend(ObjectNode frame) {
        return socket != null && socket.send(frame.toString());
    }

    private String nextRequestId() {
        return "c" + Long.toString(++requestCounter, 36);
    }

    private ObjectNode frame(String type) {
        return json.createObjectNode().put("type", type);
    }

    // ------------------------------------------------------------------ connection

    private void setState(ConnectionState state) {
        current = state;
        emit(l -> l.onState(state));
    }

    private void openSocket() {
        int gen = ++generation;
        setState(new ConnectionState(ConnectionState.Status.CONNECTING, null, null, attempt, null, false, null));
        ClientTransport.Listener listener = new ClientTransport.Listener() {
            @Override
            public void onOpen() {
                scheduler.execute(() -> {
                    if (gen == generation) {
                        handshake(gen);
                    }
                });
            }

            @Override
            public void onText(String text) {
                scheduler.execute(() -> {
                    if (gen == generation) {
                        onFrame(text);
                    }
                });
            }

            @Override
            public void onClose(int code, String reason) {
                scheduler.execute(() -> {
                    if (gen == generation) {
                        String r = reason == null || reason.isEmpty() ? "closed" : reason;
                        dropped(gen, r, code, false);
                    }
                });
            }

            @Override
            public void onError(Throwable error) {
                scheduler.execute(() -> {
                    if (gen == generation) {
                        LOG.debug("socket failed", error);
                        dropped(gen, "transport_lost", null, false);
                    }
                });
            }
        };
        try {
            socket = opts.transport.open(opts.url.get(), listener);
        } catch (RuntimeException e) {
            emitError(e);
            dropped(gen, "connect_failed", null, false);
            return;
        }
        armConnectTimer(gen);
    }

    private void armConnectTimer(int gen) {
        cancel(connectTimer);
        connectTimer = scheduler.schedule(() -> {
            if (gen == generation && current.status() == ConnectionState.Status.CONNECTING) {
                abandon(gen, "connect_timeout", null, false);
            }
        }, opts.connectTimeoutMs);
    }

    private void handshake(int gen) {
        String id = nextRequestId();
        ObjectNode f;
        if (resumeToken != null) {
            ObjectNode chat = json.createObjectNode();
            ObjectNode list = chat.putObject("sessions");
            List<SessionState> ranked = sessions.values().stream().sorted(Comparator.comparingInt(VicinityClient::rank)).limit(100).toList();
            Set<String> named = new HashSet<>();
            for (SessionState s : ranked) {
                list.put(s.id, s.lastSeq);
                named.add(s.id);
            }
            namedInResume = named;
            f = frame("resume").put("id", id).put("v", 1).put("resume", resumeToken);
            f.set("chat", chat);
        } else {
            String token;
            try {
                token = opts.token.get();
            } catch (RuntimeException e) {
                emitError(e);
                abandon(gen, "token_unavailable", null, false);
                return;
            }
            f = frame("hello").put("id", id).put("v", 1).put("token", token).put("device", opts.device);
        }
        handshakeId = id;
        armConnectTimer(gen);
        rawSend(f);
    }

    private void onHandshakeAnswer(JsonNode frame) {
        int gen = generation;
        handshakeId = null;
        String type = frame.path("type").asText();
        if (type.equals("error")) {
            String code = frame.path("code").asText();
            if (code.equals("resume_expired")) {
                // The server closes with 4101 next; do not wait for it: hello at once, then reload from history.
                resumeToken = null;
                abandon(gen, "resume_expired", 4101, true);
            } else if (HANDSHAKE_RETRY.contains(code)) {
                long delay = frame.hasNonNull("retryAfterMs") ? frame.get("retryAfterMs").asLong() : backoffDelay(Math.max(1, attempt));
                cancel(connectTimer);
                scheduler.schedule(() -> {
                    if (gen == generation && current.status() == ConnectionState.Status.CONNECTING) {
                        handshake(gen);
                    }
                }, delay);
            } else {
                stop(code, VicinityClientException.fromFrame(frame, "handshake"), null);
            }
            return;
        }
        cancel(connectTimer);
        boolean resumed = type.equals("resumed");
        boolean freshAfterLoss = !resumed && hadConnection;
        info = frame;
        resumeToken = frame.path("resume").asText(null);
        hadConnection = true;
        attempt = 0;
        heartbeatMs = Math.max(1, frame.path("heartbeatSeconds").asLong(10)) * 1000;
        setState(new ConnectionState(ConnectionState.Status.CONNECTED, null, null, 0, null, resumed, frame.path("user").asText(null)));
        scheduleHeartbeat(gen);
        Set<String> listed = new HashSet<>();
        for (JsonNode view : frame.path("chat")) {
            String id = view.path("session").asText();
            listed.add(id);
            applyView(view, resumed && namedInResume.contains(id));
        }
        if (freshAfterLoss) {
            for (SessionState s : List.copyOf(sessions.values())) {
                if (!listed.contains(s.id)) {
                    fill(s, s.lastSeq + 1, true);
                }
            }
        }
        for (Pending p : List.copyOf(pending.values())) {
            if (!p.sent) {
                transmit(p);
            }
        }
        pump();
    }

    private void scheduleHeartbeat(int gen) {
        cancel(heartbeatTimer);
        heartbeatTimer = scheduler.schedule(() -> {
            if (gen != generation || current.status() != ConnectionState.Status.CONNECTED) {
                return;
            }
            rawSend(frame("ping").put("id", nextRequestId()));
            if (pongTimer == null) {
                pongTimer = scheduler.schedule(() -> {
                    pongTimer = null;
                    if (gen == generation) {
                        abandon(gen, "pong_timeout", null, false);
                    }
                }, opts.pongTimeoutMs > 0 ? opts.pongTimeoutMs : heartbeatMs);
            }
            scheduleHeartbeat(gen);
        }, heartbeatMs);
    }

    /** Gives up the current socket without waiting for its close (it may be frozen), then reconnects. */
    private void abandon(int gen, String reason, Integer closeCode, boolean immediately) {
        ClientTransport ws = socket;
        generation++; // events of the abandoned socket are ignored from now on
        if (ws != null) {
            try {
                ws.close(4000, "transport_lost"); // not 1000: the server keeps the connection resumable
            } catch (RuntimeException e) {
                LOG.debug("closing an abandoned socket failed", e);
            }
        }
        dropped(gen, reason, closeCode, immediately);
    }

    private void dropped(int gen, String reason, Integer closeCode, boolean immediately) {
        clearSocketTimers();
        socket = null;
        handshakeId = null;
        if (gen == generation) {
            generation++;
        }
        failInFlight();
        if (closeCode != null && STOP_CODES.contains(closeCode)) {
            stop(reason, null, closeCode);
            return;
        }
        if (closeCode != null && HELLO_CODES.contains(closeCode)) {
            resumeToken = null;
        }
        attempt++;
        long delay = immediately ? 0 : backoffDelay(attempt);
        setState(new ConnectionState(ConnectionState.Status.RECONNECTING, reason, closeCode, attempt, delay, false, null));
        reconnectTimer = scheduler.schedule(() -> {
            reconnectTimer = null;
            if (current.status() == ConnectionState.Status.RECONNECTING) {
                openSocket();
            }
        }, delay);
    }

    /** Reconnect delay before attempt n: uniform in [cap/2, cap], cap = min(max, initial * 2^(n-1)). */
    long backoffDelay(int n) {
        long cap = Math.min(opts.maxDelayMs, opts.initialDelayMs * (1L << Math.min(30, Math.max(0, n - 1))));
        return Math.round(cap / 2.0 + opts.random.getAsDouble() * (cap / 2.0));
    }

    private void stop(String reason, VicinityClientException error, Integer closeCode) {
        ClientTransport ws = socket;
        generation++;
        resumeToken = null; // a stopped connection is over on the server too: a later connect() says hello
        socket = null;
        clearSocketTimers();
        cancel(reconnectTimer);
        reconnectTimer = null;
        if (ws != null) {
            try {
                ws.close(1000, "normal");
            } catch (RuntimeException e) {
                LOG.debug("close failed", e);
            }
        }
        if (error != null) {
            emitError(error);
        }
        for (Pending p : List.copyOf(pending.values())) {
            pending.remove(p.id);
            cancel(p.timer);
            p.result.completeExceptionally(new VicinityClientException("stopped",
                    "stopped (" + reason + ") before " + p.type + " was answered", null, p.type));
        }
        for (Outgoing o : outgoing) {
            if (o.state == OutboxEntry.State.SENDING) {
                o.state = OutboxEntry.State.PENDING;
            }
        }
        setState(new ConnectionState(ConnectionState.Status.STOPPED, reason, closeCode, attempt, null, false, null));
    }

    private void clearSocketTimers() {
        cancel(connectTimer);
        cancel(heartbeatTimer);
        cancel(pongTimer);
        connectTimer = heartbeatTimer = pongTimer = null;
    }

    private void failInFlight() {
        for (Pending p : List.copyOf(pending.values())) {
            if (!p.sent) {
                continue;
            }
            pending.remove(p.id);
            cancel(p.timer);
            p.result.completeExceptionally(new VicinityClientException("connection_lost",
                    "the connection dropped before " + p.type + " was answered", null, p.type));
        }
    }

    // ------------------------------------------------------------------ inbound frames

    private void onFrame(String text) {
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JsonProcessingException e) {
            emitError(new VicinityClientException("malformed_frame", "the server sent a frame that is not JSON", null, null));
            return;
        }
        if (frame == null || !frame.path("type").isTextual()) {
            return;
        }
        // Any frame proves the socket alive (a pong may queue behind a replay).
        cancel(pongTimer);
        pongTimer = null;
        String type = frame.get("type").asText();
        JsonNode re = frame.get("re");
        if (re != null && re.isTextual()) {
            onAnswer(re.asText(), type, frame);
            return;
        }
        switch (type) {
            case "error" -> emitError(VicinityClientException.fromFrame(frame, null));
            case "chat.message" -> onMessage(frame, frame.path("replayed").asBoolean(false));
            case "chat.session" -> applySession(frame);
            case "chat.resumed" -> onChatResumed(frame);
            case "chat.resync" -> fill(ensure(frame.path("session").asText(), 0), frame.path("top").asLong(), true);
            case "chat.typing", "chat.read", "chat.presence", "rating.revealed" -> emit(l -> l.onPush(type, frame));
            default -> { } // unknown pushes are ignored (forward compatibility)
        }
    }

    private void onAnswer(String re, String type, JsonNode frame) {
        if (re.equals(handshakeId) && (type.equals("welcome") || type.equals("resumed") || type.equals("error"))) {
            onHandshakeAnswer(frame);
            return;
        }
        if (type.equals("pong")) {
            return;
        }
        Pending p = pending.remove(re);
        if (p == null) {
            return; // an answer to a request that timed out, or to bye
        }
        cancel(p.timer);
        if (type.equals("error")) {
            p.result.completeExceptionally(VicinityClientException.fromFrame(frame, p.type));
            return;
        }
        if (p.type.startsWith("chat.") && isSessionShape(frame)) {
            applySession(frame);
        }
        p.result.complete(frame);
    }

    // ------------------------------------------------------------------ sessions and messages

    private SessionState ensure(String id, long baseline) {
        return sessions.computeIfAbsent(id, k -> new SessionState(k, baseline));
    }

    private void applySession(JsonNode frame) {
        ObjectNode shape = json.createObjectNode();
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
        emit(l -> l.onSession(s.id, shape, null));
    }

    private void applyView(JsonNode view, boolean replayedByServer) {
        String id = view.path("session").asText();
        boolean known = sessions.containsKey(id);
        SessionState s = ensure(id, view.path("top").asLong());
        applySession(view);
        long top = view.path("top").asLong();
        if (known && !replayedByServer && top > s.lastSeq) {
            fill(s, top, true);
        }
    }

    private void onChatResumed(JsonNode frame) {
        String id = frame.path("session").asText();
        String code = frame.path("code").asText(null);
        if ("not_joined".equals(code) && isSessionShape(frame)) {
            applySession(frame);
            return;
        }
        if (code != null) {
            sessions.remove(id);
            emit(l -> l.onSession(id, null, code));
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

    private void onMessage(JsonNode m, boolean replayed) {
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

    private void deliver(SessionState s, JsonNode m, boolean replayed) {
        long seq = m.path("seq").asLong();
        s.lastSeq = seq;
        s.buffer.remove(seq);
        String from = m.path("from").asText(null);
        String clientId = m.hasNonNull("clientId") ? m.get("clientId").asText() : null;
        if (clientId != null && info != null && Objects.equals(from, info.path("user").asText(null))) {
            storedOwn(s.id, clientId, seq);
        }
        ChatMessage msg = new ChatMessage(s.id, seq, from, clientId, m.path("text").asText(""), m.path("at").asLong(), replayed);
        emit(l -> l.onMessage(msg));
    }

    /** One of our messages is in the session's stream: its entry is acked whatever became of its request. */
    private void storedOwn(String session, String clientId, long seq) {
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

    private void drain(SessionState s) {
        if (s.filling) {
            return;
        }
        for (Buffered next = s.buffer.get(s.lastSeq + 1); next != null; next = s.buffer.get(s.lastSeq + 1)) {
            deliver(s, next.message, next.replayed);
        }
    }

    /** Loads history after the session's last sequence up to {@code target} (or the top), one fill per session at a time. */
    private void fill(SessionState s, long target, boolean toTop) {
        s.fillTarget = Math.max(s.fillTarget, target);
        if (s.filling) {
            return;
        }
        s.filling = true;
        fillStep(s, toTop);
    }

    private void fillStep(SessionState s, boolean toTop) {
        if (s.lastSeq >= s.fillTarget || sessions.get(s.id) != s) {
            endFill(s);
            return;
        }
        int max = Math.min(opts.historyPageSize, info == null ? 200 : info.path("limits").path("maxHistoryPage").asInt(200));
        CompletableFuture<JsonNode> page = new CompletableFuture<>();
        enqueue("chat.history", json.createObjectNode().put("session", s.id).put("after", s.lastSeq).put("limit", max), page);
        page.whenComplete((p, e) -> {
            if (e != null) {
                Throwable c = unwrap(e);
                if (c instanceof VicinityClientException v && v.retryable() && !v.code().equals("connection_lost")) {
                    scheduler.schedule(() -> fillStep(s, toTop), v.retryAfterMs().orElse(backoffDelay(1)));
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
                emit(l -> l.onGap(gap));
                s.lastSeq = oldest - 1;
                skipped = true;
            }
            ArrayNode messages = p.path("messages").isArray() ? (ArrayNode) p.get("messages") : json.createArrayNode();
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
                    emit(l -> l.onGap(gap));
                }
                deliver(s, m, true);
            }
            for (Buffered next = s.buffer.get(s.lastSeq + 1); next != null; next = s.buffer.get(s.lastSeq + 1)) {
                deliver(s, next.message, next.replayed);
            }
            fillStep(s, toTop);
        });
    }

    private void endFill(SessionState s) {
        s.filling = false;
        drain(s);
    }

    // ------------------------------------------------------------------ outbox

    private void emitOutbox(Outgoing o) {
        OutboxEntry e = o.snapshot();
        emit(l -> l.onOutbox(e));
    }

    /** Sends the next message of each session (one in flight per session, so the server stores them in order). */
    private void pump() {
        if (current.status() != ConnectionState.Status.CONNECTED) {
            return;
        }
        long now = scheduler.nowMillis();
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
            cancel(pumpTimer);
            pumpAt = wakeAt;
            pumpTimer = scheduler.schedule(() -> {
                pumpAt = Long.MAX_VALUE;
                pumpTimer = null;
                pump();
            }, wakeAt - now);
        }
    }

    private void sendOne(Outgoing o) {
        o.state = OutboxEntry.State.SENDING;
        o.attempts++;
        emitOutbox(o);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        enqueue("chat.send", json.createObjectNode().put("session", o.session).put("clientId", o.clientId).put("text", o.text), answer);
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
            VicinityClientException v = unwrap(e) instanceof VicinityClientException x ? x
                    : new VicinityClientException("internal_error", String.valueOf(e), null, "chat.send");
            if (v.code().equals("connection_lost") || v.code().equals("stopped")) {
                o.state = OutboxEntry.State.PENDING; // sent again with the same client id once connected
            } else if (SENDABLE_RETRY.contains(v.code()) && ++o.failures < opts.maxSendAttempts) {
                o.state = OutboxEntry.State.PENDING;
                o.notBefore = scheduler.nowMillis() + v.retryAfterMs().orElse(backoffDelay(o.failures));
            } else {
                o.state = OutboxEntry.State.FAILED;
                o.error = v;
                o.result.completeExceptionally(v);
            }
            emitOutbox(o);
            pump();
        });
    }

    // ------------------------------------------------------------------ helpers

    private void emit(java.util.function.Consumer<VicinityClientListener> call) {
        for (VicinityClientListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("a client listener threw", e);
                emitError(e);
            }
        }
    }

    private void emitError(Throwable error) {
        for (VicinityClientListener l : listeners) {
            try {
                l.onError(error);
            } catch (RuntimeException e) {
                LOG.warn("a client error listener threw", e);
            }
        }
    }

    private static void cancel(Scheduler.Cancellable c) {
        if (c != null) {
            c.cancel();
        }
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static boolean isSessionShape(JsonNode f) {
        return f.path("session").isTextual() && f.path("state").isTextual() && f.path("version").isNumber() && f.path("participants").isArray();
    }

    /** Sessions that can still change first (they matter most for a resume capped at 100 entries). */
    private static int rank(SessionState s) {
        String st = s.shape == null ? null : s.shape.path("state").asText(null);
        return "ACTIVE".equals(st) ? 0 : st == null || "INVITED".equals(st) ? 1 : 2;
    }

    private static final class Pending {
        final String id;
        final String type;
        final ObjectNode frame;
        final CompletableFuture<JsonNode> result;
        Scheduler.Cancellable timer;
        boolean sent;

        Pending(String id, String type, ObjectNode frame, CompletableFuture<JsonNode> result) {
            this.id = id;
            this.type = type;
            this.frame = frame;
            this.result = result;
        }
    }

    private record Buffered(JsonNode message, boolean replayed) {}

    private static final class SessionState {
        final String id;
        long lastSeq;
        long version;
        JsonNode shape;
        final Map<Long, Buffered> buffer = new HashMap<>();
        boolean filling;
        long fillTarget;

        SessionState(String id, long baseline) {
            this.id = id;
            this.lastSeq = baseline;
        }
    }

    private static final class Outgoing {
        final String clientId;
        final String session;
        final String text;
        final CompletableFuture<SendResult> result;
        OutboxEntry.State state = OutboxEntry.State.PENDING;
        int attempts;
        int failures;
        long notBefore;
        Long seq;
        boolean duplicate;
        VicinityClientException error;

        Outgoing(String clientId, String session, String text, CompletableFuture<SendResult> result) {
            this.clientId = clientId;
            this.session = session;
            this.text = text;
            this.result = result;
        }

        OutboxEntry snapshot() {
            return new OutboxEntry(clientId, session, text, state, attempts, seq, duplicate, error);
        }
    }

    /**
     * Options of a {@link VicinityClient}. Not thread-safe; {@link #build()} validates and copies nothing
     * that changes later.
     */
    public static final class Builder {
        private final Supplier<URI> url;
        private final Supplier<String> token;
        private final String device;
        private String resume;
        private ClientTransport.Factory transport;
        private Scheduler scheduler;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private Supplier<String> newId = () -> UUID.randomUUID().toString();
        private long initialDelayMs = 500;
        private long maxDelayMs = 30_000;
        private long connectTimeoutMs = 10_000;
        private long requestTimeoutMs = 15_000;
        private long pongTimeoutMs;
        private int maxSendAttempts = 8;
        private int historyPageSize = 200;

        private Builder(Supplier<URI> url, Supplier<String> token, String device) {
            this.url = Objects.requireNonNull(url, "url");
            this.token = Objects.requireNonNull(token, "token");
            this.device = Objects.requireNonNull(device, "device");
        }

        /** A resume token kept from an earlier connection: the first attempt resumes instead of saying hello. */
        public Builder resume(String token) {
            this.resume = token;
            return this;
        }

        /** The WebSocket implementation; default {@link JdkWebSocketTransport#factory()}. */
        public Builder transport(ClientTransport.Factory factory) {
            this.transport = factory;
            return this;
        }

        /** The client's thread and time; default a new {@link ExecutorScheduler}. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Random numbers in [0, 1) for the backoff jitter. */
        public Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        /** New client message ids and idempotency keys; default random UUIDs. */
        public Builder newId(Supplier<String> newId) {
            this.newId = newId;
            return this;
        }

        /** Reconnect delay before attempt n: uniform in [cap/2, cap], cap = min(max, initial * 2^(n-1)); default 500 ms / 30 s. */
        public Builder backoff(long initialDelayMs, long maxDelayMs) {
            this.initialDelayMs = initialDelayMs;
            this.maxDelayMs = maxDelayMs;
            return this;
        }

        /** Opening the socket plus the handshake must finish within this (default 10 s). */
        public Builder connectTimeoutMs(long ms) {
            this.connectTimeoutMs = ms;
            return this;
        }

        /** A request without an answer after this fails with {@code timeout} (default 15 s). */
        public Builder requestTimeoutMs(long ms) {
            this.requestTimeoutMs = ms;
            return this;
        }

        /** No frame within this after a ping drops the socket (default: the advertised heartbeat interval). */
        public Builder pongTimeoutMs(long ms) {
            this.pongTimeoutMs = ms;
            return this;
        }

        /** A message whose sends keep failing with retryable errors is failed after this many attempts (default 8; drops do not count). */
        public Builder maxSendAttempts(int n) {
            this.maxSendAttempts = n;
            return this;
        }

        /** Messages per {@code chat.history} page when filling gaps (default 200, capped by the server's maxHistoryPage). */
        public Builder historyPageSize(int n) {
            this.historyPageSize = n;
            return this;
        }

        public VicinityClient build() {
            if (initialDelayMs <= 0 || maxDelayMs < initialDelayMs || connectTimeoutMs <= 0 || requestTimeoutMs <= 0
                    || maxSendAttempts < 1 || historyPageSize < 1) {
                throw new IllegalArgumentException("invalid client options");
            }
            if (transport == null) {
                transport = JdkWebSocketTransport.factory();
            }
            if (scheduler == null) {
                scheduler = new ExecutorScheduler("vicinity-client-" + device);
            }
            return new VicinityClient(this);
        }
    }
}
