package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.Lease;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.ResumeResult;
import dev.vicinity.core.Transition;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityException;
import dev.vicinity.core.spi.RateLimitStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hello} and {@code resume}: authenticate (or redeem a resume token), attach the connection,
 * answer {@code welcome}/{@code resumed} and then the pushes produced meanwhile.
 *
 * <p>Ordering rule: the connection is changed only after the registry call that can fail (presence or
 * resume store down) has succeeded. Before, the only new object is the candidate registry handle of a
 * resume, which is retired if the call throws or refuses, so an entry the registry may have left
 * behind can never close the socket. A failed handshake therefore leaves the connection exactly as it
 * was: unauthenticated, same id and handle, nothing held; the client is answered
 * ({@code backend_unavailable} is retryable) and may try again on the same socket.
 *
 * <p>{@code hello} asks the host's {@link ContextAuthenticator}, which may answer later: the answer is
 * applied on the thread completing its stage. Meanwhile the connection is marked pending (another
 * {@code hello}/{@code resume} is refused with {@code auth_pending}, module requests with
 * {@code not_authenticated}); an answer finding the connection closed is dropped, and the registry's
 * {@code authenticate} is atomic against its close (auth deadline, {@code bye}, socket gone), so a
 * late answer never takes a lease. A failed stage is answered like a backend failure.
 *
 * <p>Thread-safe; runs on the thread delivering the connection's frames, and the answer of an
 * asynchronous authenticator on the thread completing it.
 */
final class Handshake {
    /** Logs under the facade's name, as before the gateway was split: hosts configure one logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final ConnectionRegistry registry;
    private final PresenceService presence;
    private final ContextAuthenticator authenticator;
    private final GatewayLimits limits;
    private final RateLimitStore connectLimits;
    private final RateLimit connectRate;
    private final Clock clock;
    private final FrameBudget budget;
    private final FrameModules modules;
    private final LocalConnections local;
    private final Outbound out;
    private final Duration authTimeout;
    private final Duration resumeWindow;
    private final Duration heartbeatInterval;

    Handshake(ConnectionRegistry registry, PresenceService presence, ContextAuthenticator authenticator, GatewayLimits limits,
            RateLimitStore connectLimits, RateLimit connectRate, Clock clock, FrameBudget budget, FrameModules modules,
            LocalConnections local, Outbound out, Duration authTimeout, Duration resumeWindow,
            Duration heartbeatInterval) {
        this.registry = registry;
        this.presence = presence;
        this.authenticator = authenticator;
        this.limits = limits;
        this.connectLimits = connectLimits;
        this.connectRate = connectRate;
        this.clock = clock;
        this.budget = budget;
        this.modules = modules;
        this.local = local;
        this.out = out;
        this.authTimeout = authTimeout;
        this.resumeWindow = resumeWindow;
        this.heartbeatInterval = heartbeatInterval;
    }

    /** A {@code hello}. */
    void hello(GatewayConnection c, String id, JsonNode frame) {
        try {
            doHello(c, id, frame);
        } catch (VicinityException e) {
            refuse(c, id, e);
        }
    }

    /** A {@code resume}. */
    void resume(GatewayConnection c, String id, JsonNode frame) {
        try {
            doResume(c, id, frame);
        } catch (VicinityException e) {
            refuse(c, id, e);
        }
    }

    /** A backend failed meanwhile: answered, and the connection stays unauthenticated so it can try again. */
    private void refuse(GatewayConnection c, String id, VicinityException e) {
        if (e instanceof BackendUnavailableException || e.retryable()) {
            LOG.warn("backend unavailable during the handshake of {}: {}", c, e.toString());
            out.error(c, id, e.code(), "temporarily unavailable; retry");
        } else {
            out.error(c, id, e.code(), e.getMessage());
        }
    }

    private void doHello(GatewayConnection c, String id, JsonNode frame) {
        if (!acceptable(c, id, frame)) {
            return;
        }
        JsonNode token = frame.get("token");
        JsonNode deviceNode = frame.get("device");
        if (token == null || !token.isTextual() || token.asText().length() > 4096
                || deviceNode == null || !deviceNode.isTextual()) {
            out.strike(c, id, GatewayErrorCodes.INVALID_FIELD, "hello needs string token and device");
            return;
        }
        DeviceId device;
        try {
            device = DeviceId.of(deviceNode.asText());
        } catch (InvalidInputException e) {
            out.strike(c, id, ErrorCodes.INVALID_ID, "device: " + e.getMessage());
            return;
        }
        if (!c.beginAuth()) {
            out.strike(c, id, GatewayErrorCodes.AUTH_PENDING, "an earlier hello is still being authenticated");
            return;
        }
        AuthContext context = new AuthContext(token.asText(), device, c.connection(),
                String.valueOf(c.transport().remoteAddress()), c.upgrade());
        CompletionStage<AuthResult> answer;
        try {
            answer = authenticator.authenticate(context);
            if (answer == null) {
                throw new NullPointerException("the authenticator returned no CompletionStage");
            }
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        // Already complete (the simple form): applied here, before onText returns, as always. Otherwise
        // on the thread completing the stage, concurrently with this connection's later frames.
        answer.whenComplete((result, error) -> answered(c, id, result, error));
    }

    /**
     * The authenticator's answer to a pending {@code hello}. The pending mark is cleared just before the
     * reply is sent, so a client answering the reply at once is never refused as still pending.
     */
    private void answered(GatewayConnection c, String id, AuthResult result, Throwable error) {
        try {
            if (c.isClosed()) {
                // Closed meanwhile (auth deadline, bye, socket gone, node shutdown): nothing to answer.
                LOG.debug("dropping the authenticator's answer for closed {}", c);
                return;
            }
            if (error != null || result == null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                LOG.warn("authenticator failed for {}; answered backend_unavailable", c, cause);
                c.endAuth();
                out.error(c, id, ErrorCodes.BACKEND_UNAVAILABLE, "temporarily unavailable; retry");
                return;
            }
            if (result instanceof AuthResult.Refused refused) {
                c.endAuth();
                out.error(c, id, GatewayErrorCodes.AUTH_FAILED, refused.reason());
                registry.close(c.connection(), CloseCode.AUTH_FAILED);
                return;
            }
            attach(c, id, ((AuthResult.Accepted) result).principal());
        } catch (VicinityException e) {
            c.endAuth();
            refuse(c, id, e);
        } catch (RuntimeException e) {
            LOG.error("applying the authenticator's answer failed for {}", c, e);
            c.endAuth();
            out.error(c, id, GatewayErrorCodes.INTERNAL_ERROR, "internal error");
        } finally {
            c.endAuth();
        }
    }

    /** An accepted {@code hello}: limits, then the registry, then the reply. */
    private void attach(GatewayConnection c, String id, Principal p) {
        long wait = budget.take(p.user());
        if (wait == 0) {
            wait = connectWait(p.user());
        }
        if (wait != 0) {
            // The user's frame budget outlives connections: a reconnect loop spends it like any frame,
            // and connects are limited per user on the (possibly cluster-wide) rate-limit store.
            c.endAuth();
            out.error(c, id, GatewayErrorCodes.RATE_LIMITED, "too many frames; slow down", FrameBudget.retryAfterMs(wait));
            out.countStrike(c);
            return;
        }
        if (overConnectionCap(p)) {
            c.endAuth();
            out.error(c, id, GatewayErrorCodes.TOO_MANY_CONNECTIONS,
                    "at most " + limits.maxConnectionsPerUser() + " connections per user");
            registry.close(c.connection(), CloseCode.POLICY_VIOLATION);
            return;
        }
        // Atomic against the registry closing the connection (auth deadline, bye, socket closed): a
        // connection closed before this takes no lease.
        Transition t = registry.authenticate(c.connection(), p.user(), p.device());
        if (!t.moved()) {
            c.endAuth();
            out.error(c, id, GatewayErrorCodes.NOT_AUTHENTICATED, "connection is no longer open");
            return;
        }
        // Authenticated in the registry: from here on nothing fails before the reply.
        c.hold();
        try {
            if (!c.authenticatedUnlessClosed(p)) {
                // Closed between the registry call and here (an asynchronous answer racing the socket's
                // close): the close released the lease; nothing was attached.
                return;
            }
            local.attach(c);
            ObjectNode welcome = connectionInfo(c, p, registry.resumeToken(c.connection()).orElse(""));
            modules.attached(c, welcome);
            leftMeanwhile(c);
            c.clearStrikes();
            c.endAuth();
            out.sendThenRelease(c, "welcome", id, welcome);
        } finally {
            c.release(); // a no-op after sendThenRelease; never left holding if something threw
        }
    }

    /** The modules were told the connection attached; if it closed meanwhile, they are told it left. */
    private void leftMeanwhile(GatewayConnection c) {
        CloseCode code = c.modulesAttached();
        if (code != null) {
            modules.left(c, code.resumable());
        }
    }

    private void doResume(GatewayConnection c, String id, JsonNode frame) {
        if (!acceptable(c, id, frame)) {
            return;
        }
        JsonNode token = frame.get("resume");
        if (token == null || !token.isTextual() || token.asText().length() > 256) {
            out.strike(c, id, GatewayErrorCodes.INVALID_FIELD, "resume needs the string resume token");
            return;
        }
        RegistryHandle candidate = local.newHandle(c);
        ResumeResult result;
        try {
            result = registry.resume(token.asText(), candidate);
        } catch (RuntimeException e) {
            candidate.retire();
            throw e;
        }
        if (result instanceof ResumeResult.Refused refused) {
            candidate.retire();
            boolean replaced = CloseCode.REPLACED.wireName().equals(refused.code());
            out.error(c, id, replaced ? GatewayErrorCodes.REPLACED : GatewayErrorCodes.RESUME_EXPIRED, refused.reason());
            registry.close(c.connection(), replaced ? CloseCode.REPLACED : CloseCode.RESUME_EXPIRED);
            return;
        }
        ResumeResult.Resumed ok = (ResumeResult.Resumed) result;
        // Re-attached in the registry: from here on nothing fails before the reply.
        c.hold();
        try {
            ConnectionId placeholder = Objects.requireNonNull(c.adopt(ok.connection(), candidate), "id from open");
            local.moved(c, placeholder);
            if (!ok.connection().equals(placeholder)) {
                // Re-attached under another id (the connection lived on another node, or this socket is
                // new): the placeholder's handle is retired, so closing it leaves the transport alone.
                registry.close(placeholder, CloseCode.NORMAL);
            }
            Principal p = new Principal(ok.user(), ok.device());
            c.authenticated(p);
            modules.resuming(c, frame);
            local.attach(c);
            ObjectNode resumed = connectionInfo(c, p, ok.resumeToken());
            modules.resumed(c, frame, resumed);
            leftMeanwhile(c);
            c.clearStrikes();
            out.sendThenRelease(c, "resumed", id, resumed);
        } finally {
            c.release(); // a no-op after sendThenRelease; never left holding if something threw
        }
    }

    /** Not yet authenticated, and the protocol version is ours; otherwise answered with a strike. */
    private boolean acceptable(GatewayConnection c, String id, JsonNode frame) {
        if (c.principal() != null) {
            out.strike(c, id, GatewayErrorCodes.ALREADY_AUTHENTICATED, "already authenticated");
            return false;
        }
        if (c.authPending()) {
            out.strike(c, id, GatewayErrorCodes.AUTH_PENDING, "an earlier hello is still being authenticated");
            return false;
        }
        JsonNode v = frame.get("v");
        if (v == null || !v.isIntegralNumber() || v.asInt() != Gateway.PROTOCOL_VERSION) {
            out.strike(c, id, GatewayErrorCodes.UNSUPPORTED_VERSION,
                    "this server speaks protocol v" + Gateway.PROTOCOL_VERSION);
            return false;
        }
        return true;
    }

    /** 0 if a connect of {@code user} is admitted, else the nanoseconds to wait. */
    private long connectWait(UserId user) {
        return connectLimits.tryAcquire("gateway.connect:" + user.value(), connectRate.perSecond(), connectRate.burst(),
                clock.instant()).toNanos();
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

    /** The body shared by {@code welcome} and {@code resumed}: who, the next resume token, timings, limits. */
    private ObjectNode connectionInfo(GatewayConnection c, Principal p, String resumeToken) {
        ObjectNode info = out.codec().newObject();
        info.put("v", Gateway.PROTOCOL_VERSION);
        info.put("connection", c.connection().value());
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
        modules.describeLimits(l);
        return info;
    }
}
