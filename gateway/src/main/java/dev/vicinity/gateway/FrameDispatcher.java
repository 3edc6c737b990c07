package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.VicinityException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each decoded frame: the frame rate first, then the gateway's own types ({@code hello},
 * {@code resume}, {@code ping}, {@code bye}) and every other type to its module's handler, mapping what
 * the handler throws to exactly one answer. A refused frame is answered and counted as a strike.
 * Thread-safe; no state of its own.
 */
final class FrameDispatcher implements FrameCodec.Inbound {
    /** Logs under the facade's name, as before the gateway was split: hosts configure one logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final ConnectionRegistry registry;
    private final FrameBudget budget;
    private final Handshake handshake;
    private final FrameModules modules;
    private final Outbound out;

    FrameDispatcher(ConnectionRegistry registry, FrameBudget budget, Handshake handshake, FrameModules modules,
            Outbound out) {
        this.registry = registry;
        this.budget = budget;
        this.handshake = handshake;
        this.modules = modules;
        this.out = out;
    }

    @Override
    public void reject(GatewayConnection c, @Nullable String re, String code, String message) {
        out.strike(c, re, code, message);
    }

    @Override
    public void frame(GatewayConnection c, String id, String type, JsonNode frame) {
        long wait = budget.take(c);
        if (wait != 0) {
            out.error(c, id, GatewayErrorCodes.RATE_LIMITED, "too many frames; slow down", FrameBudget.retryAfterMs(wait));
            out.countStrike(c);
            return;
        }
        switch (type) {
            case "hello" -> handshake.hello(c, id, frame);
            case "resume" -> handshake.resume(c, id, frame);
            case "ping" -> ping(c, id);
            case "bye" -> {
                out.reply(c, id, null);
                registry.close(c.connection(), CloseCode.NORMAL);
            }
            default -> request(c, id, type, frame);
        }
    }

    private void ping(GatewayConnection c, String id) {
        c.clearStrikes();
        if (c.isAttached()) {
            try {
                registry.heartbeat(c.connection());
            } catch (RuntimeException e) {
                // Presence store down or slow: the pong still answers (liveness of this socket is what a
                // ping asks); the node renews the lease from its tick once the store is back.
                LOG.debug("lease renewal on ping of {} failed: {}", c, e.toString());
            }
        }
        out.reply(c, "pong", id, null);
    }

    private void request(GatewayConnection c, String id, String type, JsonNode frame) {
        FrameHandler handler = modules.handler(type);
        if (handler == null) {
            out.strike(c, id, GatewayErrorCodes.UNKNOWN_TYPE, "unknown frame type");
            return;
        }
        if (!c.acceptsRequests()) {
            out.strike(c, id, GatewayErrorCodes.NOT_AUTHENTICATED, "send hello or resume first");
            return;
        }
        FrameRequest r = new FrameRequest(c, out, type, id, frame);
        try {
            handler.handle(r);
            if (!r.answered()) {
                r.reply(out.codec().newObject());
            }
            c.clearStrikes();
        } catch (InvalidInputException e) {
            r.answerOnce(e.code(), e.getMessage());
            out.countStrike(c);
        } catch (BackendUnavailableException e) {
            LOG.warn("backend unavailable handling {} of {}", type, c, e);
            r.answerOnce(e.code(), "temporarily unavailable; retry");
        } catch (RateLimitedException e) {
            r.answerOnce(e.code(), e.getMessage(), FrameBudget.retryAfterMs(e.retryAfter().toNanos()));
        } catch (VicinityException e) {
            r.answerOnce(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("handler of {} failed for {}", type, c, e);
            r.answerOnce(GatewayErrorCodes.INTERNAL_ERROR, "internal error");
        }
    }
}
