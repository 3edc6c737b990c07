package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.internal.TokenBucket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One WebSocket as the gateway tracks it. The host keeps this object with its socket and passes it
 * back on every callback ({@link Gateway#onText}, {@link Gateway#onClosed}...). Its connection id may
 * change once, when a resume re-attaches a connection that lived on another node. Thread-safe.
 */
public final class GatewayConnection implements ClientContext {
    final Gateway gateway;
    final Transport transport;
    final TokenBucket preAuthFrames;
    final AtomicInteger inFlight = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicLong inFlightBytes = new java.util.concurrent.atomic.AtomicLong();
    /** The remote address counted against the per-address cap, or null when none is set. */
    volatile String address;
    final java.util.concurrent.atomic.AtomicBoolean addressReleased = new java.util.concurrent.atomic.AtomicBoolean();
    final Object lock = new Object();
    volatile ConnectionId id;
    /** The registry handle of the current id. */
    volatile dev.vicinity.core.ConnectionHandle handle;
    volatile Principal principal;
    volatile boolean closed;
    /** Pushes produced while the welcome/resumed reply is being prepared; flushed right after it. */
    List<ObjectNode> held;
    int strikes;

    GatewayConnection(Gateway gateway, Transport transport, TokenBucket preAuthFrames) {
        this.gateway = gateway;
        this.transport = transport;
        this.preAuthFrames = preAuthFrames;
    }

    /** The current connection id. */
    @Override
    public ConnectionId connection() {
        return id;
    }

    /** The authenticated user, or null before {@code hello}/{@code resume} succeeded. */
    @Override
    public UserId user() {
        Principal p = principal;
        return p == null ? null : p.user();
    }

    /** The authenticated device, or null before authentication. */
    @Override
    public DeviceId device() {
        Principal p = principal;
        return p == null ? null : p.device();
    }

    /** True once authenticated and not closed. */
    public boolean isAttached() {
        return principal != null && !closed;
    }

    /** The host's transport. */
    public Transport transport() {
        return transport;
    }

    @Override
    public boolean push(String type, ObjectNode body) {
        ObjectNode frame = gateway.mapper().createObjectNode();
        frame.put("type", type);
        frame.setAll(body);
        synchronized (lock) {
            if (closed) {
                return false;
            }
            if (held != null) {
                held.add(frame);
                return true;
            }
        }
        return gateway.send(this, frame);
    }

    @Override
    public ObjectNode newObject() {
        return gateway.mapper().createObjectNode();
    }

    void hold() {
        synchronized (lock) {
            held = new ArrayList<>();
        }
    }

    @Override
    public String toString() {
        return "GatewayConnection[" + id + ", user=" + user() + ", remote=" + transport.remoteAddress() + "]";
    }
}
