package dev.vicinity.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
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
    private static final Set<String> HANDSHAKE_RETRY = Set.of("backend_unavailable", "rate_limited", "auth_pending", "internal_error");
    /** Close statuses after which the client stops, and those after which it says hello again (docs/protocol.md). */
    private static final Set<Integer> STOP_CODES = Set.of(1000, 4200, 4201, 4202, 4203, 4204);
    private static final Set<Integer> HELLO_CODES = Set.of(4100, 4101);

    final ObjectMapper json = new ObjectMapper();
    final VicinityClientBuilder opts;
    final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final ClientTransport.Factory transport;
    final ListenerSet listeners = new ListenerSet();

    // Everything below is touched on the scheduler thread only.
    private volatile ConnectionState current = new ConnectionState(ConnectionState.Status.IDLE, null, null, 0, null, false, null);
    @Nullable ClientTransport socket;
    private int generation;
    private volatile @Nullable String resumeToken;
    private boolean hadConnection;
    private int attempt;
    private @Nullable String handshakeId;
    private Set<String> namedInResume = Set.of();
    @Nullable JsonNode info;
    private long heartbeatMs = 10_000;
    final Requests requests = new Requests(this);
    final SessionStreams streams = new SessionStreams(this);
    final Outbox outbox = new Outbox(this);
    private Scheduler.@Nullable Cancellable reconnectTimer;
    private Scheduler.@Nullable Cancellable connectTimer;
    private Scheduler.@Nullable Cancellable heartbeatTimer;
    private Scheduler.@Nullable Cancellable pongTimer;

    VicinityClient(VicinityClientBuilder b, Scheduler scheduler, boolean ownsScheduler, ClientTransport.Factory transport) {
        this.opts = b;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.transport = transport;
        this.resumeToken = b.resume;
    }

    /** Starts building a client for {@code url} with the host credential {@code token} and this installation's {@code device}. */
    public static VicinityClientBuilder builder(Supplier<URI> url, Supplier<String> token, String device) {
        return new VicinityClientBuilder(url, token, device);
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

    /**
     * Says {@code bye}, closes the socket with 1000 and stops; pending requests fail with {@code stopped}.
     * Returns at once. When the client made its own scheduler (none was given to the builder), that
     * scheduler's thread ends too and the client cannot connect again; a scheduler given to the builder
     * is left running.
     */
    @Override
    public void close() {
        scheduler.execute(() -> {
            if (current.status() == ConnectionState.Status.CONNECTED) {
                rawSend(frame("bye").put("id", requests.nextId()));
            }
            stop("closed", null, null);
            if (ownsScheduler && scheduler instanceof ExecutorScheduler own) {
                own.shutdown();
            }
        });
    }

    /** The current connection state (a snapshot, possibly a task behind). */
    public ConnectionState state() {
        return current;
    }

    /** The resume token of the current connection (keep it to resume after a restart of the app), or null. */
    public @Nullable String resumeToken() {
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
        scheduler.execute(() -> requests.enqueue(type, copy, result));
        return result;
    }

    private <T> CompletionStage<T> request(String type, ObjectNode fields, java.util.function.Function<JsonNode, T> answer) {
        return Requests.typed(request(type, fields), answer);
    }

    /** Invites users to a new chat ({@code chat.invite}); completes with the session's shape. */
    public CompletionStage<ChatSession> invite(List<String> to) {
        ObjectNode f = json.createObjectNode();
        f.putArray("to").addAll(to.stream().map(json.getNodeFactory()::textNode).toList());
        return request("chat.invite", f, ChatSession::of);
    }

    /** Accepts an invite ({@code chat.accept}); completes with the session's new shape. */
    public CompletionStage<ChatSession> accept(String session) {
        return request("chat.accept", json.createObjectNode().put("session", session), ChatSession::of);
    }

    /** Declines an invite ({@code chat.decline}); completes with the session's new shape. */
    public CompletionStage<ChatSession> decline(String session) {
        return request("chat.decline", json.createObjectNode().put("session", session), ChatSession::of);
    }

    /** Leaves a session ({@code chat.leave}); completes with the session's new shape. */
    public CompletionStage<ChatSession> leave(String session) {
        return request("chat.leave", json.createObjectNode().put("session", session), ChatSession::of);
    }

    /** Marks a session read up to {@code seq} ({@code chat.read}); completes with the session's shape; the others get a {@code chat.read} push. */
    public CompletionStage<ChatSession> markRead(String session, long seq) {
        return request("chat.read", json.createObjectNode().put("session", session).put("seq", seq), ChatSession::of);
    }

    /** Says the user is typing ({@code chat.typing}); completes with {@code sent} (false when throttled); the others get a {@code chat.typing} push. */
    public CompletionStage<Boolean> typing(String session) {
        return request("chat.typing", json.createObjectNode().put("session", session), a -> a.path("sent").asBoolean());
    }

    /** One page of a session's history (not passed to {@code onMessage}). */
    public CompletionStage<HistoryPage> history(String session, long after, int limit) {
        return request("chat.history", json.createObjectNode().put("session", session).put("after", after).put("limit", limit),
                HistoryPage::of);
    }

    /** Reports where the user is ({@code geo.location}); {@code extra} may hold {@code accuracy}, {@code source}, … */
    public CompletionStage<LocationResult> updateLocation(double lat, double lon, Map<String, ?> extra) {
        ObjectNode f = json.valueToTree(extra == null ? Map.of() : extra);
        return request("geo.location", f.put("lat", lat).put("lon", lon), LocationResult::of);
    }

    /** One page of nearby users ({@code geo.nearby}); {@code fields} as the protocol names them ({@code radius}, {@code limit}, …). */
    public CompletionStage<NearbyPage> nearby(Map<String, ?> fields) {
        return request("geo.nearby", (ObjectNode) json.valueToTree(fields == null ? Map.of() : fields), NearbyPage::of);
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
        requests.retrying("rating.submit", body, 1, maxAttempts, result);
        return result;
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
            outbox.outgoing.add(o);
            outbox.emitOutbox(o);
            outbox.pump();
        });
        return new Send(clientId, result);
    }

    /** The client id of a queued message and the stage of its outcome. */
    public record Send(String clientId, CompletionStage<SendResult> result) {}

    /** Puts a {@code FAILED} message back in the queue with the same client id. */
    public void retryMessage(String clientId) {
        scheduler.execute(() -> outbox.retry(clientId));
    }

    /** Removes a {@code FAILED} or never-sent {@code PENDING} message; its stage fails with {@code discarded}. */
    public void discardMessage(String clientId) {
        scheduler.execute(() -> outbox.discard(clientId));
    }

    /** The messages not yet acked, oldest first (a snapshot taken on the scheduler thread). */
    public CompletionStage<List<OutboxEntry>> outbox() {
        CompletableFuture<List<OutboxEntry>> f = new CompletableFuture<>();
        scheduler.execute(() -> f.complete(outbox.outgoing.stream().map(Outgoing::snapshot).toList()));
        return f;
    }

    /** The last sequence delivered of a session (-1 when unknown); a snapshot taken on the scheduler thread. */
    public CompletionStage<Long> lastSeq(String session) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        scheduler.execute(() -> {
            SessionState s = streams.sessions.get(session);
            f.complete(s == null ? -1L : s.lastSeq);
        });
        return f;
    }

    // ------------------------------------------------------------------ requests

    private boolean rawSend(ObjectNode frame) {
        return socket != null && socket.send(frame.toString());
    }

    ObjectNode frame(String type) {
        return json.createObjectNode().put("type", type);
    }

    // ------------------------------------------------------------------ connection

    private void setState(ConnectionState state) {
        current = state;
        listeners.emit(l -> l.onState(state));
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
            socket = transport.open(opts.url.get(), listener);
        } catch (RuntimeException e) {
            listeners.emitError(e);
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
        String id = requests.nextId();
        ObjectNode f;
        if (resumeToken != null) {
            ObjectNode chat = json.createObjectNode();
            ObjectNode list = chat.putObject("sessions");
            List<SessionState> ranked = streams.sessions.values().stream().sorted(Comparator.comparingInt(SessionState::rank)).limit(100).toList();
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
                listeners.emitError(e);
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
            streams.applyView(view, resumed && namedInResume.contains(id));
        }
        if (freshAfterLoss) {
            for (SessionState s : List.copyOf(streams.sessions.values())) {
                if (!listed.contains(s.id)) {
                    streams.fill(s, s.lastSeq + 1, true);
                }
            }
        }
        requests.transmitUnsent();
        outbox.pump();
    }

    private void scheduleHeartbeat(int gen) {
        cancel(heartbeatTimer);
        heartbeatTimer = scheduler.schedule(() -> {
            if (gen != generation || current.status() != ConnectionState.Status.CONNECTED) {
                return;
            }
            rawSend(frame("ping").put("id", requests.nextId()));
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
    private void abandon(int gen, String reason, @Nullable Integer closeCode, boolean immediately) {
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

    private void dropped(int gen, String reason, @Nullable Integer closeCode, boolean immediately) {
        clearSocketTimers();
        socket = null;
        handshakeId = null;
        if (gen == generation) {
            generation++;
        }
        requests.failInFlight();
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

    private void stop(String reason, @Nullable VicinityClientException error, @Nullable Integer closeCode) {
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
            listeners.emitError(error);
        }
        requests.failAll(reason);
        for (Outgoing o : outbox.outgoing) {
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

    // ------------------------------------------------------------------ inbound frames

    private void onFrame(String text) {
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JsonProcessingException e) {
            listeners.emitError(new VicinityClientException("malformed_frame", "the server sent a frame that is not JSON", null, null));
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
            case "error" -> listeners.emitError(VicinityClientException.fromFrame(frame, null));
            case "chat.message" -> streams.onMessage(frame, frame.path("replayed").asBoolean(false));
            case "chat.session" -> streams.applySession(frame);
            case "chat.resumed" -> streams.onChatResumed(frame);
            case "chat.resync" -> streams.fill(streams.ensure(frame.path("session").asText(), 0), frame.path("top").asLong(), true);
            case "chat.typing", "chat.read", "chat.presence", "rating.revealed" -> listeners.emitPush(ServerPush.of(frame));
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
        Pending p = requests.answered(re);
        if (p == null) {
            return; // an answer to a request that timed out, or to bye
        }
        if (type.equals("error")) {
            p.result.completeExceptionally(VicinityClientException.fromFrame(frame, p.type));
            return;
        }
        if (p.type.startsWith("chat.") && SessionStreams.isSessionShape(frame)) {
            streams.applySession(frame);
        }
        p.result.complete(frame);
    }

    // ------------------------------------------------------------------ helpers

    static void cancel(Scheduler.@Nullable Cancellable c) {
        if (c != null) {
            c.cancel();
        }
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

}
