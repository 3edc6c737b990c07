package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.internal.TokenBucket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket as the gateway tracks it. The host keeps this object with its socket and passes it
 * back on every callback ({@link Gateway#onText}, {@link Gateway#onClosed}...). Its connection id may
 * change once, when a resume re-attaches a connection that lived on another node. Thread-safe.
 *
 * <p>The connection owns its state and the rules that keep it consistent; the gateway changes it only
 * through the package-private methods below. Invariants: {@code closed} never goes back to false;
 * once closed nothing is held and every push is dropped; the held pushes (those produced while the
 * {@code welcome}/{@code resumed} reply is being prepared) are read and changed only under the
 * connection's monitor, which is never held across a call out; the connection answers to exactly one
 * registry handle at a time, and a replaced handle is retired so it can no longer close it; the
 * principal is set only while the connection is open; at most one {@code hello} is being authenticated
 * at a time; the modules are told the connection left exactly once, and only after they were told it
 * attached, whichever of attach and close comes first.
 */
public final class GatewayConnection implements ClientContext {
    private final Outbound out;
    private final Transport transport;
    private final TokenBucket preAuthFrames;
    private final UpgradeRequest upgrade;
    /** True while a {@code hello} waits for the authenticator's answer or that answer is being applied. */
    private final AtomicBoolean authPending = new AtomicBoolean();
    /** Set once the modules were told the connection attached (or resumed). */
    private final AtomicBoolean modulesAttached = new AtomicBoolean();
    /** Set once the modules were told the connection left. */
    private final AtomicBoolean modulesLeft = new AtomicBoolean();
    /** Consecutive bad frames; the authenticator's answer may count one on another thread. */
    private final AtomicInteger strikes = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final AtomicBoolean addressReleased = new AtomicBoolean();
    /** Found to be a slow consumer; nothing more is sent to it until the gateway detaches it. */
    private final AtomicBoolean detachPending = new AtomicBoolean();
    private final Object lock = new Object();
    /** The remote address counted against the per-address cap, or null when none is counted. */
    private volatile @Nullable String address;
    private volatile @Nullable ConnectionId id;
    /** The registry handle of the current id. */
    private volatile @Nullable RegistryHandle handle;
    private volatile @Nullable Principal principal;
    private volatile boolean closed;
    /** Why the registry closed or detached it; set once closed (a moment after {@code closed}). */
    private volatile @Nullable CloseCode closeCode;
    /** Guarded by {@code lock}: pushes (written already) held until the handshake reply is sent, or null when not holding. */
    private @Nullable List<FrameCodec.Encoded> held;

    GatewayConnection(Outbound out, Transport transport, TokenBucket preAuthFrames, UpgradeRequest upgrade) {
        this.out = out;
        this.transport = transport;
        this.preAuthFrames = preAuthFrames;
        this.upgrade = upgrade;
    }

    /** The current connection id. */
    @Override
    @SuppressWarnings("NullAway") // set by adopt() before the connection is authenticated and seen by modules
    public ConnectionId connection() {
        return id;
    }

    /** The authenticated user, or null before {@code hello}/{@code resume} succeeded. */
    @Override
    @SuppressWarnings("NullAway") // null only before authentication, when no module sees the connection
    public UserId user() {
        Principal p = principal;
        return p == null ? null : p.user();
    }

    /** The authenticated device, or null before authentication. */
    @Override
    @SuppressWarnings("NullAway") // null only before authentication, when no module sees the connection
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
        if (closed) {
            return false;
        }
        FrameCodec.Encoded frame;
        try {
            frame = out.codec().push(type, body);
        } catch (Exception e) {
            LoggerFactory.getLogger(Gateway.class).error("could not serialise a frame for {}", this, e);
            return false;
        }
        return pushWritten(frame);
    }

    @Override
    public boolean push(String type, FrameFields fields) {
        if (closed) {
            return false;
        }
        FrameCodec.Encoded frame;
        try {
            frame = out.codec().push(type, fields);
        } catch (Exception e) {
            LoggerFactory.getLogger(Gateway.class).error("could not serialise a frame for {}", this, e);
            return false;
        }
        return pushWritten(frame);
    }

    private boolean pushWritten(FrameCodec.Encoded frame) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            if (held != null) {
                held.add(frame);
                return true;
            }
        }
        return out.send(this, frame);
    }

    @Override
    public ObjectNode newObject() {
        return out.codec().newObject();
    }

    @Override
    public String toString() {
        return "GatewayConnection[" + id + ", user=" + user() + ", remote=" + transport.remoteAddress() + "]";
    }

    // ------------------------------------------------------------------ identity and lifecycle

    @Nullable Principal principal() {
        return principal;
    }

    /** The upgrade request the host passed to {@link Gateway#open(Transport, UpgradeRequest)}. */
    UpgradeRequest upgrade() {
        return upgrade;
    }

    /** True when module requests are served: authenticated, not closed, and no handshake reply pending. */
    boolean acceptsRequests() {
        return isAttached() && !authPending.get();
    }

    boolean isClosed() {
        return closed;
    }

    /** The id and handle the registry gave this socket when it opened. */
    void opened(ConnectionId id, RegistryHandle handle) {
        this.handle = handle;
        this.id = id;
    }

    /**
     * A resume succeeded: the connection now answers to {@code handle} under {@code id} (the same id, or
     * the one the registry gave it here). The previous handle is retired, so closing the previous id
     * does not close this socket.
     *
     * @return the previous id
     */
    @Nullable ConnectionId adopt(ConnectionId id, RegistryHandle handle) {
        ConnectionId previousId;
        RegistryHandle previous;
        synchronized (lock) {
            previousId = this.id;
            previous = this.handle;
            this.handle = handle;
            this.id = id;
        }
        if (previous != null && previous != handle) {
            previous.retire();
        }
        return previousId;
    }

    /** Authenticated as {@code principal} (by {@code hello} or {@code resume}). */
    void authenticated(Principal principal) {
        this.principal = principal;
    }

    /**
     * Authenticated as {@code principal}, unless the connection closed meanwhile (an asynchronous
     * answer racing a close): decided under the monitor {@link #markClosed} takes, so a close either
     * sees the principal or the principal is never set.
     *
     * @return false if the connection is closed (nothing changed)
     */
    boolean authenticatedUnlessClosed(Principal principal) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            this.principal = principal;
            return true;
        }
    }

    /** A {@code hello} starts authenticating; false if one already is. */
    boolean beginAuth() {
        return authPending.compareAndSet(false, true);
    }

    /** The pending {@code hello} was answered. */
    void endAuth() {
        authPending.set(false);
    }

    /** True while a {@code hello} is being authenticated. */
    boolean authPending() {
        return authPending.get();
    }

    /**
     * The modules were told the connection attached (or resumed).
     *
     * @return the close code if the connection closed meanwhile and the modules must now be told it
     *     left (exactly one caller of this and {@link #leavingModules} gets non-null), else null
     */
    @Nullable CloseCode modulesAttached() {
        modulesAttached.set(true);
        CloseCode code = closeCode;
        return code != null && modulesLeft.compareAndSet(false, true) ? code : null;
    }

    /**
     * The registry closed the connection with {@code code}.
     *
     * @return true if the modules must be told it left now (they were told it attached, and nobody has
     *     told them it left)
     */
    boolean leavingModules(CloseCode code) {
        closeCode = code;
        return modulesAttached.get() && modulesLeft.compareAndSet(false, true);
    }

    /**
     * Marks the connection closed and drops anything held.
     *
     * @return true for the call that closed it, false if it was closed already
     */
    boolean markClosed() {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            closed = true;
            held = null;
            return true;
        }
    }

    // ------------------------------------------------------------------ held pushes

    /** From now on pushes are held until {@link #release()} (unless the connection is closed). */
    void hold() {
        synchronized (lock) {
            if (!closed) {
                held = new ArrayList<>();
            }
        }
    }

    /** Stops holding and returns what was held, in order (empty if nothing or not holding). */
    List<FrameCodec.Encoded> release() {
        synchronized (lock) {
            List<FrameCodec.Encoded> h = held;
            held = null;
            return h == null ? List.of() : h;
        }
    }

    /**
     * The pushes held so far, leaving the connection holding (an empty list once nothing is held, and
     * then it stops holding). Calling this until it returns empty sends the held pushes in order while
     * a push racing the flush is held behind them, never overtaking them.
     */
    List<FrameCodec.Encoded> nextHeldBatch() {
        synchronized (lock) {
            if (held == null) {
                return List.of();
            }
            if (held.isEmpty()) {
                held = null;
                return List.of();
            }
            List<FrameCodec.Encoded> batch = held;
            held = new ArrayList<>();
            return batch;
        }
    }

    /** True while pushes are being held. */
    boolean holdsPushes() {
        synchronized (lock) {
            return held != null;
        }
    }

    // ------------------------------------------------------------------ inbound policing

    /** The bucket limiting frames before authentication (afterwards the user's bucket counts). */
    TokenBucket preAuthFrames() {
        return preAuthFrames;
    }

    /** Counts one bad frame; returns the consecutive count. */
    int strike() {
        return strikes.incrementAndGet();
    }

    int strikes() {
        return strikes.get();
    }

    /** A good frame: the consecutive count starts again. */
    void clearStrikes() {
        strikes.set(0);
    }

    // ------------------------------------------------------------------ outbound accounting

    /**
     * Reserves room for one more unwritten frame of {@code bytes}.
     *
     * @return true if reserved; false (nothing reserved) if that would exceed either bound
     */
    boolean reserve(long bytes, int maxFrames, long maxBytes) {
        int frames = inFlight.incrementAndGet();
        long total = inFlightBytes.addAndGet(bytes);
        if (frames > maxFrames || total > maxBytes) {
            unreserve(bytes);
            return false;
        }
        return true;
    }

    /** A frame of {@code bytes} was written, failed or was never handed to the transport. */
    void unreserve(long bytes) {
        inFlight.decrementAndGet();
        inFlightBytes.addAndGet(-bytes);
    }

    int framesInFlight() {
        return inFlight.get();
    }

    long bytesInFlight() {
        return inFlightBytes.get();
    }

    // ------------------------------------------------------------------ per-address slot

    /** The remote address counted against the per-address cap, or null. */
    @Nullable String address() {
        return address;
    }

    void countedFrom(String address) {
        this.address = address;
    }

    /** True exactly once, for the first caller, when an address slot is counted. */
    boolean releaseAddressOnce() {
        return address != null && addressReleased.compareAndSet(false, true);
    }

    /** Marks this connection a slow consumer to detach; true for the first call only. */
    boolean markDetachPending() {
        return detachPending.compareAndSet(false, true);
    }

    /** Whether this connection waits to be detached as a slow consumer. */
    boolean detachPending() {
        return detachPending.get();
    }
}
