package dev.vicinity.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionHandle;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.Lease;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.ResumeResult;
import dev.vicinity.core.Transition;
import dev.vicinity.core.UserId;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.VicinityException;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.KeyedTokenBuckets;
import dev.vicinity.core.internal.TokenBucket;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.core.spi.ResumeStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol engine between a host's WebSocket server and Vicinity. The host makes one gateway per
 * node, calls {@link #open} for every new socket and hands it every text frame ({@link #onText}), the
 * close ({@link #onClosed}) and transport errors ({@link #onTransportError}); it calls {@link #tick()}
 * once per second. The gateway does the rest: the {@code hello} handshake through the host's
 * {@link Authenticator} (before a deadline), the connection state machine and presence through its
 * {@link ConnectionRegistry}, heartbeats, resume on any node, limits, routing request frames to the
 * {@link FrameModule}s of geo, chat and rating, and error replies.
 *
 * <p>Guarantees: nothing thrown ever escapes {@code onText}, {@code onClosed} or
 * {@code onTransportError}; every request frame gets exactly one {@code ok} or {@code error} reply
 * carrying its {@code id} as {@code re} (unless the connection is closed first); a frame that cannot
 * be parsed gets an {@code error} with {@code re: null}; malformed or over-limit frames count as
 * strikes and {@link GatewayLimits#maxStrikes()} consecutive strikes close the connection with
 * {@code protocol_violation}; a connection whose outbound backlog exceeds
 * {@link GatewayLimits#maxOutboundInFlight()} is detached with {@code slow_consumer} (resumable)
 * instead of buffering without bound. Frames of one connection must be delivered by the host one at
 * a time (WebSocket servers do); different connections are processed in parallel. Thread-safe.
 *
 * <p>The protocol is documented in {@code docs/protocol.md}.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** The protocol version this gateway speaks. */
    public static final int PROTOCOL_VERSION = 1;
    private static final int MAX_ID_LENGTH = 64;

    private final PresenceService presence;
    private final ConnectionRegistry registry;
    private final Authenticator authenticator;
    private final GatewayLimits limits;
    private final RateLimit frameRate;
    private final Clock clock;
    private final Duration resumeWindow;
    private final Duration heartbeatInterval;
    private final Duration authTimeout;
    private final RateLimitStore connectLimits;
    private final int maxConnectionsPerAddress;
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final int connectsPerMinute;
    private final int connectBurst;
    private final ObjectMapper mapper;
    private final List<FrameModule> modules;
    private final Map<String, FrameHandler> handlers;
    private final Map<ConnectionId, GatewayConnection> byId = new ConcurrentHashMap<>();
    private final Map<UserId, Set<GatewayConnection>> byUser = new ConcurrentHashMap<>();
    private final KeyedTokenBuckets<UserId> userFrames = new KeyedTokenBuckets<>();
    private final java.util.concurrent.atomic.AtomicLong nodeOutboundBytes = new java.util.concurrent.atomic.AtomicLong();

    private Gateway(Builder b) {
        this.presence = b.presence;
        this.authenticator = b.authenticator;
        this.limits = b.limits;
        this.frameRate = new RateLimit(b.limits.framesPerSecond(), b.limits.frameBurst());
        this.clock = b.clock != null ? b.clock : presence.clock();
        this.resumeWindow = b.resumeWindow;
        this.heartbeatInterval = b.heartbeatInterval;
        this.authTimeout = b.authTimeout;
        this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        this.connectLimits = b.rateLimitStore != null ? b.rateLimitStore : new dev.vicinity.core.LocalRateLimitStore();
        this.connectsPerMinute = b.connectsPerMinute;
        this.connectBurst = b.connectBurst;
        this.registry = ConnectionRegistry.builder(presence, b.resumeStore).clock(clock).listener(b.listener)
                .authTimeout(b.authTimeout).resumeWindow(b.resumeWindow)
                .heartbeatTimeout(b.heartbeatInterval.multipliedBy(3)).build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32).maxStringLength(limits.maxFrameBytes()).maxNumberLength(64).build())
                .build();
        this.mapper = new ObjectMapper(factory)
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.modules = List.copyOf(b.modules);
        Map<String, FrameHandler> all = new HashMap<>();
        for (FrameModule m : modules) {
            for (Map.Entry<String, FrameHandler> h : m.handlers().entrySet()) {
                if (!h.getKey().startsWith(m.name() + ".")) {
                    throw new IllegalArgumentException("frame type " + h.getKey() + " of module " + m.name()
                            + " must start with " + m.name() + ".");
                }
                if (all.put(h.getKey(), h.getValue()) != null) {
                    throw new IllegalArgumentException("frame type registered twice: " + h.getKey());
                }
            }
        }
        this.handlers = Map.copyOf(all);
        for (FrameModule m : modules) {
            m.onStart(this);
        }
    }

    /**
     * Starts a builder. {@code presence} is this node's presence service, {@code resumeStore} is shared
     * by all nodes (so resume works on any of them), {@code authenticator} is the host's callback.
     */
    public static Builder builder(PresenceService presence, ResumeStore resumeStore, Authenticator authenticator) {
        return new Builder(presence, resumeStore, authenticator);
    }

    /** The connection registry this gateway drives (for metrics and administration). */
    public ConnectionRegistry connections() {
        return registry;
    }

    /** The JSON mapper used for every frame. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** The limits in force. */
    public GatewayLimits limits() {
        return limits;
    }

    /** Attached connections of {@code user} on this node (for modules delivering pushes). */
    public Collection<GatewayConnection> localConnections(UserId user) {
        Set<GatewayConnection> s = byUser.get(user);
        return s == null ? List.of() : List.copyOf(s);
    }

    /** The attached connection with this id on this node, if any. */
    public Optional<GatewayConnection> connection(ConnectionId id) {
        GatewayConnection c = byId.get(id);
        return c != null && c.isAttached() ? Optional.of(c) : Optional.empty();
    }

    // ------------------------------------------------------------------ host callbacks

    /** A new WebSocket was accepted. The client must send {@code hello} or {@code resume} before the auth deadline. */
    public GatewayConnection open(Transport transport) {
        Objects.requireNonNull(transport, "transport");
        GatewayConnection c = new GatewayConnection(this, transport, new TokenBucket(frameRate, nowNanos()));
        ConnectionId id = registry.open(handleFor(c));
        c.id = id;
        byId.put(id, c);
        if (maxConnectionsPerAddress > 0) {
            String address = String.valueOf(transport.remoteAddress());
            int n = perAddress.computeIfAbsent(address, a -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            c.address = address;
            if (n > maxConnectionsPerAddress) {
                LOG.info("refusing {}: {} connections from {}", c, n - 1, address);
                registry.close(id, CloseCode.POLICY_VIOLATION);
            }
        }
        return c;
    }

    /** Forgets the connection's address slot once (its socket is closed or being closed). */
    private void releaseAddress(GatewayConnection c) {
        String address = c.address;
        if (address != null && c.addressReleased.compareAndSet(false, true)) {
            perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** Sockets this gateway holds per remote address (for metrics; empty when no cap is set). */
    public int connectionsFrom(String address) {
        var n = perAddress.get(address);
        return n == null ? 0 : n.get();
    }

    /** One inbound text frame. Never throws. */
    public void onText(GatewayConnection c, String text) {
        try {
            process(c, text);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.error("gateway failed on a frame of {}", c, e);
            try {
                sendError(c, null, GatewayErrorCodes.INTERNAL_ERROR, "internal error");
            } catch (RuntimeException ignored) {
                // The connection is unusable; the transport will be closed by its host.
            }
        }
    }

    /** An inbound binary frame: not part of the protocol; answered with an error. Never throws. */
    public void onBinary(GatewayConnection c) {
        try {
            strike(c, null, GatewayErrorCodes.BINARY_NOT_SUPPORTED, "binary frames are not supported");
        } catch (RuntimeException e) {
            LOG.error("gateway failed on a binary frame of {}", c, e);
        }
    }

    /**
     * The WebSocket closed. Status 1000 (normal closure) is a clean close, never resumable; anything
     * else (1001, 1006, network loss...) detaches the connection so the client can resume. Never throws.
     */
    public void onClosed(GatewayConnection c, int status, String reason) {
        releaseAddress(c);
        try {
            ConnectionId id = c.id;
            if (status == 1000) {
                registry.close(id, CloseCode.NORMAL);
            } else if (c.principal != null) {
                registry.detach(id, CloseCode.TRANSPORT_LOST);
            } else {
                registry.close(id, CloseCode.NORMAL);
            }
        } catch (RuntimeException e) {
            LOG.warn("gateway failed handling the close of {}", c, e);
        }
    }

    /** The transport failed (I/O error). Detaches the connection (resumable). Never throws. */
    public void onTransportError(GatewayConnection c, Throwable error) {
        LOG.debug("transport error on {}", c, error);
        onClosed(c, 1006, "transport error");
    }

    /** A WebSocket-level pong (or any liveness signal) from the client: renews its presence lease. */
    public void onHeartbeat(GatewayConnection c) {
        try {
            if (c.isAttached()) {
                registry.heartbeat(c.id);
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat of {} failed", c, e);
        }
    }

    /** Periodic maintenance (auth deadlines, heartbeat timeouts, resume windows, presence); call once per second. */
    public void tick() {
        registry.tick();
        // A user's frame budget outlives their connections (reconnecting does not refill it); a
        // bucket is dropped only once it has refilled completely and so holds nothing to remember.
        userFrames.purgeFull(nowNanos());
    }

    /** Detaches every connection (they may resume on another node), then stops every module. */
    @Override
    public void close() {
        registry.close();
        for (FrameModule m : modules) {
            try {
                m.onStop();
            } catch (RuntimeException e) {
                LOG.warn("module {} failed to stop", m.name(), e);
            }
        }
    }

    // ------------------------------------------------------------------ frame processing

    private void process(GatewayConnection c, String text) {
        if (c.closed) {
            return;
        }
        if (text == null) {
            strike(c, null, GatewayErrorCodes.MALFORMED_FRAME, "empty frame");
            return;
        }
        if (utf8Length(text) > limits.maxFrameBytes()) {
            strike(c, null, GatewayErrorCodes.FRAME_TOO_LARGE, "frame exceeds " + limits.maxFrameBytes() + " bytes");
            return;
        }
        JsonNode frame;
        try {
            frame = mapper.readTree(text);
        } catch (Exception e) {
            strike(c, null, GatewayErrorCodes.MALFORMED_FRAME, "not valid JSON");
            return;
        }
        if (frame == null || !frame.isObject()) {
            strike(c, null, GatewayErrorCodes.MALFORMED_FRAME, "a frame must be a JSON object");
            return;
        }
        JsonNode idNode = frame.get("id");
        String id = idNode != null && idNode.isTextual() && !idNode.asText().isEmpty()
                && idNode.asText().length() <= MAX_ID_LENGTH ? idNode.asText() : null;
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            strike(c, id, GatewayErrorCodes.UNKNOWN_TYPE, "a frame needs a string type");
            return;
        }
        String type = typeNode.asText();
        if (id == null) {
            strike(c, null, GatewayErrorCodes.MISSING_ID, "a request needs an id of 1.." + MAX_ID_LENGTH + " characters");
            return;
        }
        UserId user = c.user();
        long wait = user == null ? c.preAuthFrames.tryTake(frameRate, nowNanos()) : takeFrame(user);
        if (wait != 0) {
            sendError(c, id, GatewayErrorCodes.RATE_LIMITED, "too many frames; slow down", retryAfterMs(wait));
            c.strikes++;
            enforceStrikes(c);
            return;
        }
        switch (type) {
            case "hello" -> handshake(c, id, () -> hello(c, id, frame));
            case "resume" -> handshake(c, id, () -> resume(c, id, frame));
            case "ping" -> ping(c, id);
            case "bye" -> {
                reply(c, id, mapper.createObjectNode());
                registry.close(c.id, CloseCode.NORMAL);
            }
            default -> request(c, id, type, frame);
        }
    }

    /**
     * Runs a {@code hello} or {@code resume}; if a backend fails meanwhile (presence or resume store
     * down or timing out), the client is answered {@code backend_unavailable} (retryable) and the
     * connection stays unauthenticated so it can try again.
     */
    private void handshake(GatewayConnection c, String id, Runnable step) {
        ConnectionHandle handle = c.handle;
        try {
            step.run();
        } catch (VicinityException e) {
            synchronized (c.lock) {
                c.held = null;
            }
            c.handle = handle;
            if (e instanceof BackendUnavailableException || e.retryable()) {
                LOG.warn("backend unavailable during the handshake of {}: {}", c, e.toString());
                sendError(c, id, e.code(), "temporarily unavailable; retry");
            } else {
                sendError(c, id, e.code(), e.getMessage());
            }
        }
    }

    private void request(GatewayConnection c, String id, String type, JsonNode frame) {
        FrameHandler handler = handlers.get(type);
        if (handler == null) {
            strike(c, id, GatewayErrorCodes.UNKNOWN_TYPE, "unknown frame type");
            return;
        }
        if (!c.isAttached()) {
            strike(c, id, GatewayErrorCodes.NOT_AUTHENTICATED, "send hello or resume first");
            return;
        }
        RequestImpl r = new RequestImpl(c, type, id, frame);
        try {
            handler.handle(r);
            if (!r.answered) {
                r.reply(mapper.createObjectNode());
            }
            c.strikes = 0;
        } catch (InvalidInputException e) {
            answerOnce(r, e.code(), e.getMessage());
            c.strikes++;
            enforceStrikes(c);
        } catch (BackendUnavailableException e) {
            LOG.warn("backend unavailable handling {} of {}", type, c, e);
            answerOnce(r, e.code(), "temporarily unavailable; retry");
        } catch (RateLimitedException e) {
            if (!r.answered) {
                r.answered = true;
                sendError(c, id, e.code(), e.getMessage(), retryAfterMs(e.retryAfter().toNanos()));
            }
        } catch (VicinityException e) {
            answerOnce(r, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("handler of {} failed for {}", type, c, e);
            answerOnce(r, GatewayErrorCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private void answerOnce(RequestImpl r, String code, String message) {
        if (!r.answered) {
            r.error(code, message);
        }
    }

    private void hello(GatewayConnection c, String id, JsonNode frame) {
        if (c.principal != null) {
            strike(c, id, GatewayErrorCodes.ALREADY_AUTHENTICATED, "already authenticated");
            return;
        }
        if (!versionOk(c, id, frame)) {
            return;
        }
        JsonNode token = frame.get("token");
        JsonNode deviceNode = frame.get("device");
        if (token == null || !token.isTextual() || token.asText().length() > 4096
                || deviceNode == null || !deviceNode.isTextual()) {
            strike(c, id, GatewayErrorCodes.INVALID_FIELD, "hello needs string token and device");
            return;
        }
        String device;
        try {
            device = DeviceId.of(deviceNode.asText()).value();
        } catch (InvalidInputException e) {
            strike(c, id, dev.vicinity.core.ErrorCodes.INVALID_ID, "device: " + e.getMessage());
            return;
        }
        Optional<Principal> principal;
        try {
            principal = authenticator.authenticate(token.asText(), device);
        } catch (RuntimeException e) {
            LOG.warn("authenticator threw for {}", c, e);
            principal = Optional.empty();
        }
        if (principal.isEmpty()) {
            sendError(c, id, GatewayErrorCodes.AUTH_FAILED, "authentication failed");
            registry.close(c.id, CloseCode.AUTH_FAILED);
            return;
        }
        Principal p = principal.get();
        long wait = takeFrame(p.user());
        if (wait == 0) {
            wait = connectWait(p.user());
        }
        if (wait != 0) {
            // The user's frame budget outlives connections: a reconnect loop spends it like any frame,
            // and connects are limited per user on the (possibly cluster-wide) rate-limit store.
            sendError(c, id, GatewayErrorCodes.RATE_LIMITED, "too many frames; slow down", retryAfterMs(wait));
            c.strikes++;
            enforceStrikes(c);
            return;
        }
        if (overConnectionCap(p)) {
            sendError(c, id, GatewayErrorCodes.TOO_MANY_CONNECTIONS,
                    "at most " + limits.maxConnectionsPerUser() + " connections per user");
            registry.close(c.id, CloseCode.POLICY_VIOLATION);
            return;
        }
        c.hold();
        Transition t = registry.authenticate(c.id, p.user(), p.device());
        if (!t.moved()) {
            c.held = null;
            sendError(c, id, GatewayErrorCodes.NOT_AUTHENTICATED, "connection is no longer open");
            return;
        }
        attach(c, p);
        ObjectNode welcome = connectionInfo(c, p, registry.resumeToken(c.id).orElse(""));
        for (FrameModule m : modules) {
            try {
                m.onAttached(c, welcome);
            } catch (RuntimeException e) {
                LOG.warn("module {} failed on attach of {}", m.name(), c, e);
            }
        }
        c.strikes = 0;
        sendThenRelease(c, "welcome", id, welcome);
    }

    private void resume(GatewayConnection c, String id, JsonNode frame) {
        if (c.principal != null) {
            strike(c, id, GatewayErrorCodes.ALREADY_AUTHENTICATED, "already authenticated");
            return;
        }
        if (!versionOk(c, id, frame)) {
            return;
        }
        JsonNode token = frame.get("resume");
        if (token == null || !token.isTextual() || token.asText().length() > 256) {
            strike(c, id, GatewayErrorCodes.INVALID_FIELD, "resume needs the string resume token");
            return;
        }
        ConnectionId placeholder = c.id;
        Handle placeholderHandle = (Handle) c.handle;
        c.hold();
        ResumeResult result = registry.resume(token.asText(), handleFor(c));
        if (result instanceof ResumeResult.Refused refused) {
            synchronized (c.lock) {
                c.held = null;
            }
            c.handle = placeholderHandle;
            boolean replaced = CloseCode.REPLACED.wireName().equals(refused.code());
            sendError(c, id, replaced ? GatewayErrorCodes.REPLACED : GatewayErrorCodes.RESUME_EXPIRED,
                    refused.reason());
            registry.close(c.id, replaced ? CloseCode.REPLACED : CloseCode.RESUME_EXPIRED);
            return;
        }
        ResumeResult.Resumed ok = (ResumeResult.Resumed) result;
        if (!ok.connection().equals(placeholder)) {
            // Re-attached under another id (the connection lived on another node, or this socket is
            // new): retire the placeholder without touching the transport.
            placeholderHandle.retired = true;
            byId.remove(placeholder);
            c.id = ok.connection();
            byId.put(c.id, c);
            registry.close(placeholder, CloseCode.NORMAL);
        } else {
            byId.put(c.id, c);
        }
        Principal p = new Principal(ok.user(), ok.device());
        c.principal = p;
        for (FrameModule m : modules) {
            try {
                m.onResuming(c, frame);
            } catch (RuntimeException e) {
                LOG.warn("module {} failed before resume of {}", m.name(), c, e);
            }
        }
        attach(c, p);
        ObjectNode resumed = connectionInfo(c, p, ok.resumeToken());
        for (FrameModule m : modules) {
            try {
                m.onResumed(c, frame, resumed);
            } catch (RuntimeException e) {
                LOG.warn("module {} failed on resume of {}", m.name(), c, e);
            }
        }
        c.strikes = 0;
        sendThenRelease(c, "resumed", id, resumed);
    }

    /** 0 if a connect of {@code user} is admitted, else the nanoseconds to wait. */
    private long connectWait(UserId user) {
        return connectLimits.tryAcquire("gateway.connect:" + user.value(), connectsPerMinute / 60.0, connectBurst,
                clock.instant()).toNanos();
    }

    /** 0 if {@code user} may send one more frame now, else the nanoseconds to wait. */
    private long takeFrame(UserId user) {
        return userFrames.tryAcquire(user, frameRate, nowNanos());
    }

    private long nowNanos() {
        return TokenBucket.nanos(clock.instant());
    }

    private static long retryAfterMs(long waitNanos) {
        return Math.max(1, (waitNanos + 999_999) / 1_000_000);
    }

    /** The body shared by {@code welcome} and {@code resumed}: who, the next resume token, timings, limits. */
    private ObjectNode connectionInfo(GatewayConnection c, Principal p, String resumeToken) {
        ObjectNode info = mapper.createObjectNode();
        info.put("v", PROTOCOL_VERSION);
        info.put("connection", c.id.value());
        info.put("user", p.user().value());
        info.put("device", p.device().value());
        info.put("resume", resumeToken);
        info.put("resumeWindowSeconds", resumeWindow.toSeconds());
        info.put("heartbeatSeconds", heartbeatInterval.toSeconds());
        ObjectNode l = info.putObject("limits");
        l.put("maxFrameBytes", limits.maxFrameBytes());
        l.put("framesPerSecond", limits.framesPerSecond());
        l.put("frameBurst", limits.frameBurst());
        l.put("maxConnectionsPerUser", limits.maxConnectionsPerUser());
        l.put("authTimeoutSeconds", authTimeout.toSeconds());
        for (FrameModule m : modules) {
            try {
                m.describeLimits(l);
            } catch (RuntimeException e) {
                LOG.warn("module {} failed describing its limits", m.name(), e);
            }
        }
        return info;
    }

    private void ping(GatewayConnection c, String id) {
        c.strikes = 0;
        if (c.isAttached()) {
            try {
                registry.heartbeat(c.id);
            } catch (RuntimeException e) {
                // Presence store down or slow: the pong still answers (liveness of this socket is what a
                // ping asks); the node renews the lease from its tick once the store is back.
                LOG.debug("lease renewal on ping of {} failed: {}", c, e.toString());
            }
        }
        ObjectNode pong = mapper.createObjectNode();
        pong.put("type", "pong");
        pong.put("re", id);
        send(c, pong);
    }

    private boolean versionOk(GatewayConnection c, String id, JsonNode frame) {
        JsonNode v = frame.get("v");
        if (v == null || !v.isIntegralNumber() || v.asInt() != PROTOCOL_VERSION) {
            sendError(c, id, GatewayErrorCodes.UNSUPPORTED_VERSION, "this server speaks protocol v" + PROTOCOL_VERSION);
            c.strikes++;
            enforceStrikes(c);
            return false;
        }
        return true;
    }

    private boolean overConnectionCap(Principal p) {
        int others = 0;
        for (Lease l : presence.liveLeases(p.user())) {
            if (!l.device().equals(p.device())) {
                others++;
            }
        }
        return others >= limits.maxConnectionsPerUser();
    }

    private void attach(GatewayConnection c, Principal p) {
        c.principal = p;
        byUser.computeIfAbsent(p.user(), u -> ConcurrentHashMap.newKeySet()).add(c);
    }

    private void detachLocally(GatewayConnection c, boolean resumable) {
        Principal p = c.principal;
        if (p == null) {
            return;
        }
        byUser.computeIfPresent(p.user(), (u, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
        for (FrameModule m : modules) {
            try {
                if (resumable) {
                    m.onDetached(c);
                } else {
                    m.onClosed(c);
                }
            } catch (RuntimeException e) {
                LOG.warn("module {} failed on detach of {}", m.name(), c, e);
            }
        }
    }

    /**
     * The registry's handle of one connection id of {@code c}: when the registry closes or detaches
     * it, close the transport and tell the modules. A handle retired because its id was replaced by
     * a resumed one does nothing.
     */
    private final class Handle implements ConnectionHandle {
        private final GatewayConnection c;
        volatile boolean retired;

        Handle(GatewayConnection c) {
            this.c = c;
        }

        @Override
        public void close(CloseCode code) {
            if (retired) {
                return;
            }
            synchronized (c.lock) {
                if (c.closed) {
                    return;
                }
                c.closed = true;
                c.held = null;
            }
            byId.remove(c.id, c);
            releaseAddress(c);
            detachLocally(c, code.resumable());
            try {
                c.transport.close(code.websocketStatus(), code.wireName());
            } catch (RuntimeException e) {
                LOG.debug("transport close failed for {}", c, e);
            }
        }
    }

    private Handle handleFor(GatewayConnection c) {
        Handle h = new Handle(c);
        c.handle = h;
        return h;
    }

    // ------------------------------------------------------------------ output

    private void sendThenRelease(GatewayConnection c, String type, String re, ObjectNode body) {
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", type);
        frame.put("re", re);
        frame.setAll(body);
        List<ObjectNode> held;
        synchronized (c.lock) {
            held = c.held == null ? List.of() : new ArrayList<>(c.held);
            c.held = null;
        }
        send(c, frame);
        for (ObjectNode h : held) {
            send(c, h);
        }
    }

    void reply(GatewayConnection c, String re, ObjectNode body) {
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", "ok");
        frame.put("re", re);
        frame.setAll(body);
        send(c, frame);
    }

    void sendError(GatewayConnection c, String re, String code, String message) {
        sendError(c, re, code, message, -1);
    }

    /** An {@code error} frame; {@code retryAfterMs >= 0} adds {@code retryAfterMs} (for {@code rate_limited}). */
    void sendError(GatewayConnection c, String re, String code, String message, long retryAfterMs) {
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", "error");
        if (re == null) {
            frame.putNull("re");
        } else {
            frame.put("re", re);
        }
        frame.put("code", code);
        frame.put("message", message);
        if (retryAfterMs >= 0) {
            frame.put("retryAfterMs", retryAfterMs);
        }
        send(c, frame);
    }

    private void strike(GatewayConnection c, String re, String code, String message) {
        sendError(c, re, code, message);
        c.strikes++;
        enforceStrikes(c);
    }

    private void enforceStrikes(GatewayConnection c) {
        if (c.strikes >= limits.maxStrikes()) {
            LOG.info("closing {} after {} consecutive bad frames", c, c.strikes);
            registry.close(c.id, CloseCode.PROTOCOL_VIOLATION);
        }
    }

    /** Sends one frame, enforcing the outbound bound. */
    boolean send(GatewayConnection c, ObjectNode frame) {
        if (c.closed) {
            return false;
        }
        String text;
        try {
            text = mapper.writeValueAsString(frame);
        } catch (Exception e) {
            LOG.error("could not serialise a frame for {}", c, e);
            return false;
        }
        long bytes = utf8Length(text);
        if (c.inFlight.incrementAndGet() > limits.maxOutboundInFlight()
                || c.inFlightBytes.addAndGet(bytes) > limits.maxOutboundBytes()) {
            c.inFlight.decrementAndGet();
            c.inFlightBytes.addAndGet(-bytes);
            LOG.info("detaching slow consumer {} ({} frames, {} bytes unwritten)", c, c.inFlight.get(),
                    c.inFlightBytes.get());
            registry.detach(c.id, CloseCode.SLOW_CONSUMER);
            return false;
        }
        if (nodeOutboundBytes.addAndGet(bytes) > limits.maxNodeOutboundBytes()) {
            nodeOutboundBytes.addAndGet(-bytes);
            c.inFlight.decrementAndGet();
            c.inFlightBytes.addAndGet(-bytes);
            LOG.warn("node outbound buffer full ({} bytes); detaching {}", nodeOutboundBytes.get(), c);
            registry.detach(c.id, CloseCode.SLOW_CONSUMER);
            return false;
        }
        try {
            c.transport.send(text).whenComplete((ok, error) -> {
                c.inFlight.decrementAndGet();
                c.inFlightBytes.addAndGet(-bytes);
                nodeOutboundBytes.addAndGet(-bytes);
                if (error != null) {
                    LOG.debug("send failed on {}", c, error);
                }
            });
            return true;
        } catch (RuntimeException e) {
            c.inFlight.decrementAndGet();
            c.inFlightBytes.addAndGet(-bytes);
            nodeOutboundBytes.addAndGet(-bytes);
            LOG.debug("transport send threw on {}", c, e);
            return false;
        }
    }

    /** Bytes (upper bound) handed to transports of this node and not yet written. */
    public long outboundBytes() {
        return nodeOutboundBytes.get();
    }

    private static int utf8Length(String s) {
        int n = s.length();
        if (n > 4 * 1024 * 1024) {
            return Integer.MAX_VALUE;
        }
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                bytes++;
            } else if (ch < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(ch)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    // ------------------------------------------------------------------ request

    private final class RequestImpl implements Request {
        private final GatewayConnection c;
        private final String type;
        private final String id;
        private final JsonNode frame;
        boolean answered;

        RequestImpl(GatewayConnection c, String type, String id, JsonNode frame) {
            this.c = c;
            this.type = type;
            this.id = id;
            this.frame = frame;
        }

        @Override
        public ConnectionId connection() {
            return c.connection();
        }

        @Override
        public UserId user() {
            return c.user();
        }

        @Override
        public DeviceId device() {
            return c.device();
        }

        @Override
        public boolean push(String pushType, ObjectNode body) {
            return c.push(pushType, body);
        }

        @Override
        public ObjectNode newObject() {
            return mapper.createObjectNode();
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public JsonNode frame() {
            return frame;
        }

        private InvalidInputException invalid(String field, String expected) {
            return new InvalidInputException(GatewayErrorCodes.INVALID_FIELD, field + ": expected " + expected);
        }

        @Override
        public String text(String field, int maxLength) {
            JsonNode n = frame.get(field);
            if (n == null || !n.isTextual() || n.asText().isEmpty() || n.asText().length() > maxLength) {
                throw invalid(field, "a string of 1.." + maxLength + " characters");
            }
            return n.asText();
        }

        @Override
        public Optional<String> optionalText(String field, int maxLength) {
            JsonNode n = frame.get(field);
            if (n == null || n.isNull()) {
                return Optional.empty();
            }
            if (!n.isTextual() || n.asText().length() > maxLength) {
                throw invalid(field, "a string of at most " + maxLength + " characters");
            }
            return Optional.of(n.asText());
        }

        @Override
        public long integer(String field, long min, long max) {
            JsonNode n = frame.get(field);
            if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
                throw invalid(field, "an integer in [" + min + ", " + max + "]");
            }
            return n.asLong();
        }

        @Override
        public double number(String field) {
            JsonNode n = frame.get(field);
            if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())) {
                throw invalid(field, "a finite number");
            }
            return n.asDouble();
        }

        @Override
        public boolean bool(String field, boolean defaultValue) {
            JsonNode n = frame.get(field);
            if (n == null || n.isNull()) {
                return defaultValue;
            }
            if (!n.isBoolean()) {
                throw invalid(field, "a boolean");
            }
            return n.asBoolean();
        }

        @Override
        public void reply(ObjectNode body) {
            if (answered) {
                throw new IllegalStateException("request " + id + " already answered");
            }
            answered = true;
            Gateway.this.reply(c, id, body);
        }

        @Override
        public void error(String code, String message) {
            if (answered) {
                throw new IllegalStateException("request " + id + " already answered");
            }
            answered = true;
            sendError(c, id, code, message);
        }
    }

    /** Options for {@link Gateway}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final PresenceService presence;
        private final ResumeStore resumeStore;
        private final Authenticator authenticator;
        private final List<FrameModule> modules = new ArrayList<>();
        private GatewayLimits limits = GatewayLimits.defaults();
        private Clock clock;
        private VicinityListener listener = VicinityListener.NO_OP;
        private Duration authTimeout = Duration.ofSeconds(10);
        private Duration resumeWindow = Duration.ofMinutes(2);
        private Duration heartbeatInterval;
        private RateLimitStore rateLimitStore;
        private int connectsPerMinute = 30;
        private int connectBurst = 10;
        private int maxConnectionsPerAddress;

        private Builder(PresenceService presence, ResumeStore resumeStore, Authenticator authenticator) {
            this.presence = Objects.requireNonNull(presence, "presence");
            this.resumeStore = Objects.requireNonNull(resumeStore, "resumeStore");
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        }

        /** Adds a module's frame handlers and lifecycle hooks (geo, chat, rating...). */
        public Builder module(FrameModule module) {
            modules.add(Objects.requireNonNull(module, "module"));
            return this;
        }

        /** Limits (default {@link GatewayLimits#defaults()}). */
        public Builder limits(GatewayLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Clock (default: the presence service's). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Listener for connection events (default no-op). */
        public Builder listener(VicinityListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Where per-user connect limits are counted (default: a local store, so per node); give every
         * node the same distributed store (e.g. {@code RedisRateLimitStore}) to make them cluster-wide.
         */
        public Builder rateLimitStore(RateLimitStore store) {
            this.rateLimitStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Successful {@code hello}s per user: {@code perMinute} sustained, {@code burst} at once
         * (default 30 and 10); beyond that {@code hello} is refused with {@code rate_limited}.
         */
        public Builder connectRate(int perMinute, int burst) {
            if (perMinute < 1 || burst < 1) {
                throw new InvalidInputException("invalid_argument", "connectRate needs perMinute >= 1 and burst >= 1");
            }
            this.connectsPerMinute = perMinute;
            this.connectBurst = burst;
            return this;
        }

        /**
         * Sockets this gateway accepts per remote address ({@link Transport#remoteAddress()}); the one
         * beyond the cap is closed at once with 4204 {@code policy_violation}. Default 0: no cap (behind
         * a proxy every client may share one address; the proxy should cap then).
         */
        public Builder maxConnectionsPerAddress(int max) {
            if (max < 0) {
                throw new InvalidInputException("invalid_argument", "maxConnectionsPerAddress must be >= 0");
            }
            this.maxConnectionsPerAddress = max;
            return this;
        }

        /** Deadline for {@code hello}/{@code resume} after the socket opens (default 10 s). */
        public Builder authTimeout(Duration timeout) {
            this.authTimeout = timeout;
            return this;
        }

        /** How long a lost connection stays resumable (default 2 min). */
        public Builder resumeWindow(Duration window) {
            this.resumeWindow = window;
            return this;
        }

        /**
         * How often clients should ping, announced in {@code welcome} and {@code resumed} in whole
         * seconds; a connection silent for three intervals is detached with {@code heartbeat_timeout}.
         * Default: 15 s, or a third of the presence lease TTL when that is shorter (at least 1 s). An
         * explicit interval must be whole seconds, at least 1 s and at most a third of the lease TTL
         * ({@link #build()} refuses it otherwise).
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /** @throws InvalidInputException on invalid durations; IllegalArgumentException on clashing frame types */
        public Gateway build() {
            for (Duration d : new Duration[] {authTimeout, resumeWindow}) {
                if (d == null || d.isZero() || d.isNegative()) {
                    throw new InvalidInputException("invalid_argument", "gateway durations must be positive");
                }
            }
            Duration maxHeartbeat = presence.leaseTtl().dividedBy(3);
            if (heartbeatInterval == null) {
                long seconds = Math.max(1, Math.min(15, maxHeartbeat.toSeconds()));
                heartbeatInterval = Duration.ofSeconds(seconds);
            } else if (heartbeatInterval.compareTo(Duration.ofSeconds(1)) < 0 || heartbeatInterval.getNano() != 0) {
                throw new InvalidInputException("invalid_argument",
                        "heartbeatInterval must be whole seconds and at least 1 s, got " + heartbeatInterval);
            } else if (heartbeatInterval.compareTo(maxHeartbeat) > 0) {
                throw new InvalidInputException("invalid_argument", "heartbeatInterval " + heartbeatInterval
                        + " exceeds a third of the presence lease TTL " + presence.leaseTtl()
                        + "; clients pinging that slowly would lose presence between pings");
            }
            return new Gateway(this);
        }
    }
}
