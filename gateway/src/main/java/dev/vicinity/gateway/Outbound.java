package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the gateway writes to clients, under the outbound bounds: a connection whose unwritten
 * frames or bytes exceed {@link GatewayLimits#maxOutboundInFlight()} or
 * {@link GatewayLimits#maxOutboundBytes()}, or whose frame would push the node's total over
 * {@link GatewayLimits#maxNodeOutboundBytes()}, is detached with {@code slow_consumer} instead of
 * buffered without bound. Also the strike rule that goes with an error answer to a bad frame.
 * Thread-safe; never blocks (the transport's send is asynchronous).
 */
final class Outbound {
    /** Logs under the facade's name, as before the gateway was split: hosts configure one logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final FrameCodec codec;
    private final GatewayLimits limits;
    private final ConnectionRegistry registry;
    private final AtomicLong nodeOutboundBytes = new AtomicLong();

    /** Slow consumers found by {@link #send}, detached by {@link #detachSlowConsumers}. */
    private final Queue<GatewayConnection> slow = new ConcurrentLinkedQueue<>();

    Outbound(FrameCodec codec, GatewayLimits limits, ConnectionRegistry registry) {
        this.codec = codec;
        this.limits = limits;
        this.registry = registry;
    }

    FrameCodec codec() {
        return codec;
    }

    /** Bytes (upper bound) handed to transports of this node and not yet written. */
    long outboundBytes() {
        return nodeOutboundBytes.get();
    }

    /** {@code ok} to request {@code re}, with the fields of {@code body}. */
    void reply(GatewayConnection c, @Nullable String re, @Nullable ObjectNode body) {
        reply(c, "ok", re, body);
    }

    /** A reply of {@code type} ({@code ok}, {@code pong}...) to request {@code re}, with the fields of {@code body}. */
    void reply(GatewayConnection c, String type, @Nullable String re, @Nullable ObjectNode body) {
        if (c.isClosed()) {
            return;
        }
        FrameCodec.Encoded frame;
        try {
            frame = codec.reply(type, re, body);
        } catch (Exception e) {
            LOG.error("could not serialise a frame for {}", c, e);
            return;
        }
        send(c, frame);
    }

    /** {@code ok} to request {@code re}, with the fields {@code fields} writes. */
    void replyFields(GatewayConnection c, String re, FrameFields fields) {
        if (c.isClosed()) {
            return;
        }
        FrameCodec.Encoded frame;
        try {
            frame = codec.reply("ok", re, fields);
        } catch (Exception e) {
            LOG.error("could not serialise a frame for {}", c, e);
            return;
        }
        send(c, frame);
    }

    void error(GatewayConnection c, @Nullable String re, String code, String message) {
        error(c, re, code, message, -1);
    }

    /** An {@code error} frame; {@code retryAfterMs >= 0} adds {@code retryAfterMs} (for {@code rate_limited}). */
    void error(GatewayConnection c, @Nullable String re, String code, String message, long retryAfterMs) {
        if (c.isClosed()) {
            return;
        }
        FrameCodec.Encoded frame;
        try {
            frame = codec.error(re, code, message, retryAfterMs);
        } catch (Exception e) {
            LOG.error("could not serialise a frame for {}", c, e);
            return;
        }
        send(c, frame);
    }

    /** Answers a bad frame with an error and counts a strike. */
    void strike(GatewayConnection c, @Nullable String re, String code, String message) {
        error(c, re, code, message);
        countStrike(c);
    }

    /** Counts a strike; {@link GatewayLimits#maxStrikes()} in a row close the connection with {@code protocol_violation}. */
    void countStrike(GatewayConnection c) {
        int strikes = c.strike();
        if (strikes >= limits.maxStrikes()) {
            LOG.info("closing {} after {} consecutive bad frames", c, strikes);
            registry.close(c.connection(), CloseCode.PROTOCOL_VIOLATION);
        }
    }

    /**
     * The handshake reply ({@code welcome}/{@code resumed}), then every push held while it was prepared,
     * in order. The connection keeps holding until the last held push is sent, so a push from another
     * thread meanwhile goes out after them, never before the reply or an earlier push.
     */
    void sendThenRelease(GatewayConnection c, String type, String re, ObjectNode body) {
        reply(c, type, re, body);
        for (List<FrameCodec.Encoded> batch = c.nextHeldBatch(); !batch.isEmpty(); batch = c.nextHeldBatch()) {
            for (FrameCodec.Encoded h : batch) {
                send(c, h);
            }
        }
    }

    /**
     * Detaches the slow consumers {@link #send} found since the last call. A push runs under its
     * caller's locks (a session's inbox, a connection's chat state), and a detach runs the modules'
     * callbacks (chat tells every session of the user that the member is away), which take other such
     * locks: detaching inside the push deadlocked two event loops. So {@code send} only marks the
     * connection (nothing more is sent to it) and this runs where the thread holds none of those locks:
     * at the end of {@link Gateway#onText} and in {@link Gateway#tick}.
     */
    void detachSlowConsumers() {
        for (GatewayConnection c = slow.poll(); c != null; c = slow.poll()) {
            ConnectionId id = c.connection();
            if (id != null && !c.isClosed()) {
                registry.detach(id, CloseCode.SLOW_CONSUMER);
            }
        }
    }

    /** Sends one written frame, enforcing the outbound bounds; false if it was not handed to the transport. */
    boolean send(GatewayConnection c, FrameCodec.Encoded frame) {
        if (c.isClosed()) {
            return false;
        }
        long bytes = frame.bytes();
        if (c.detachPending()) {
            return false; // a slow consumer about to be detached: it catches up when it resumes
        }
        if (!c.reserve(bytes, limits.maxOutboundInFlight(), limits.maxOutboundBytes())) {
            if (c.markDetachPending()) {
                LOG.info("detaching slow consumer {} ({} frames, {} bytes unwritten)", c, c.framesInFlight(),
                        c.bytesInFlight());
                slow.add(c);
            }
            return false;
        }
        if (nodeOutboundBytes.addAndGet(bytes) > limits.maxNodeOutboundBytes()) {
            nodeOutboundBytes.addAndGet(-bytes);
            c.unreserve(bytes);
            if (c.markDetachPending()) {
                LOG.warn("node outbound buffer full ({} bytes); detaching {}", nodeOutboundBytes.get(), c);
                slow.add(c);
            }
            return false;
        }
        try {
            CompletionStage<?> written = c.transport().send(frame.text());
            CompletableFuture<?> done = written instanceof CompletableFuture<?> f ? f : null;
            if (done != null && done.isDone() && !done.isCompletedExceptionally()) {
                // Written already (a synchronous transport): no callback to allocate.
                written(c, bytes, null);
            } else {
                written.whenComplete((ok, error) -> written(c, bytes, error));
            }
            return true;
        } catch (RuntimeException e) {
            c.unreserve(bytes);
            nodeOutboundBytes.addAndGet(-bytes);
            LOG.debug("transport send threw on {}", c, e);
            return false;
        }
    }

    private void written(GatewayConnection c, long bytes, @Nullable Throwable error) {
        c.unreserve(bytes);
        nodeOutboundBytes.addAndGet(-bytes);
        if (error != null) {
            LOG.debug("send failed on {}", c, error);
        }
    }
}
