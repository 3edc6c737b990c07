package dev.vicinity.core;

import dev.vicinity.core.ConnectionEvent.AuthTimedOut;
import dev.vicinity.core.ConnectionEvent.Authenticated;
import dev.vicinity.core.ConnectionEvent.Closed;
import dev.vicinity.core.ConnectionEvent.Detached;
import dev.vicinity.core.ConnectionEvent.ResumeExpired;
import dev.vicinity.core.ConnectionEvent.Resumed;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.PresenceStore.Acquired;
import dev.vicinity.core.spi.ResumeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of this node, each driven through {@link ConnectionStateMachine} and tied to a
 * presence lease. This is the only place connection state changes; every change is reported to the
 * listener with previous state, current state and code, and every rejected event too.
 *
 * <ul>
 *   <li>{@link #open} registers a transport as {@code CONNECTING}; {@link #tick} closes it with
 *       {@link CloseCode#AUTH_TIMEOUT} if not authenticated within the authentication timeout.</li>
 *   <li>{@link #authenticate} moves it to {@code OPEN}, acquires its lease (fencing older connections
 *       of the same (user, device), which are closed with {@link CloseCode#REPLACED}) and issues a
 *       single-use resume token.</li>
 *   <li>{@link #detach} (resumable codes only) keeps state and lease for the resume window;
 *       {@link #resume} re-attaches on a new transport without a second lease, fencing the old
 *       transport if the server had not noticed its loss yet; {@link #tick} closes detached
 *       connections whose window ended ({@link CloseCode#RESUME_EXPIRED}) and detaches open ones that
 *       stopped heartbeating ({@link CloseCode#HEARTBEAT_TIMEOUT}).</li>
 *   <li>{@link #close} is final: the lease is released at once (by generation) and the connection is
 *       forgotten; a closed connection is never resumable.</li>
 * </ul>
 *
 * <p>Thread-safe: each connection's transitions are serialised; different connections proceed in
 * parallel. Memory is proportional to live connections only.
 *
 * <p><b>Locking.</b> Each connection has its own {@link java.util.concurrent.locks.ReentrantLock} (not a
 * monitor, so a virtual thread waiting on a store never pins its carrier); no lock is ever held while
 * taking another. State is decided under the lock and I/O is done outside it, with two exceptions where
 * the lock must span the call: acquiring or renewing the connection's presence lease (two concurrent
 * calls on one connection must never produce two leases, and a failed acquire leaves the state
 * unchanged) and writing its resume token (a write must land before the token's removal, so a closed
 * connection's token is never resurrected). Outside any lock: taking and removing resume tokens,
 * releasing leases, closing transport handles, and closing the connections a new lease replaced (their
 * replacement notices, raised inside a lease call, are deferred until the lock is released). Listener
 * callbacks run under the lock, so each connection's events arrive in order; they must be fast.
 */
public final class ConnectionRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRegistry.class);
    /** Refusal code for a resume token that is unknown, spent or expired. */
    public static final String UNKNOWN_RESUME_TOKEN = "unknown_resume_token";

    private final PresenceService presence;
    private final Clock clock;
    private final VicinityListener listener;
    private final Duration authTimeout;
    private final Duration resumeWindow;
    private final Duration heartbeatTimeout;
    private final IdGenerator ids;
    private final Map<ConnectionId, ConnectionEntry> entries = new ConcurrentHashMap<>();
    private final ResumeTokens tokens;
    private final TransitionReporter report;
    private final Map<String, ConnectionId> byDevice = new ConcurrentHashMap<>();
    /** Set while this thread is inside a lease call: replacement notices wait there until unlock. */
    @SuppressWarnings("ThreadLocalUsage") // per registry on purpose: two registries may share a thread
    private final ThreadLocal<List<ConnectionId>> deferredReplaced = new ThreadLocal<>();

    private ConnectionRegistry(Builder b) {
        this.presence = b.presence;
        this.clock = b.clock != null ? b.clock : presence.clock();
        this.listener = VicinityListener.isolating(b.listener);
        this.authTimeout = b.authTimeout;
        this.resumeWindow = b.resumeWindow;
        this.heartbeatTimeout = b.heartbeatTimeout != null ? b.heartbeatTimeout : presence.leaseTtl();
        this.ids = new IdGenerator(clock);
        this.tokens = new ResumeTokens(b.resumeStore, presence.node());
        this.report = new TransitionReporter(listener, clock);
        presence.onReplaced(this::onLeaseReplaced);
    }

    /**
     * Starts a builder on {@code presence} (this node's presence service) and {@code resumeStore}
     * (shared by every node, so a client may resume on any of them).
     */
    public static Builder builder(PresenceService presence, ResumeStore resumeStore) {
        return new Builder(presence, resumeStore);
    }

    /** Registers a new transport as {@code CONNECTING} and returns its id. */
    public ConnectionId open(ConnectionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        Instant now = clock.instant();
        ConnectionId id = ids.connectionId();
        entries.put(id, new ConnectionEntry(id, handle, now, now.plus(authTimeout)));
        listener.onConnectionStateChanged(
                new ConnectionStateChange(id, null, null, ConnectionState.CONNECTING, null, now));
        return id;
    }

    /**
     * The host authenticated the connection as {@code user} on {@code device}: {@code CONNECTING → OPEN}.
     * Acquires the presence lease; if that fails (backend down) the exception propagates and the
     * connection stays {@code CONNECTING}.
     */
    public Transition authenticate(ConnectionId id, UserId user, DeviceId device) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(device, "device");
        ConnectionEntry e = entries.get(id);
        Authenticated event = new Authenticated();
        if (e == null) {
            return report.unknown(id, event);
        }
        ConnectionId previous;
        Transition t;
        Lease orphan = null;
        List<ConnectionId> replaced = lockForLeaseCall(e);
        try {
            t = ConnectionStateMachine.transition(e.state, event);
            if (!(t instanceof Transition.Moved m)) {
                return report.rejected(e, t);
            }
            Acquired acquired = presence.connect(user, device, id);
            Instant authDeadline = e.deadline;
            e.user = user;
            e.device = device;
            e.lease = acquired.lease();
            e.lastSeen = clock.instant();
            e.deadline = null;
            try {
                issueToken(e);
            } catch (RuntimeException ex) {
                // Leave the connection as it was (CONNECTING, no lease): the client may retry.
                orphan = e.lease;
                e.user = null;
                e.device = null;
                e.lease = null;
                e.token = null;
                e.deadline = authDeadline;
                throw ex;
            }
            previous = byDevice.put(deviceKey(user, device), id);
            report.moved(e, m);
        } finally {
            unlockClosingReplaced(e, replaced);
            releaseQuietly(id, orphan);
        }
        if (previous != null && !previous.equals(id) && !replaced.contains(previous)) {
            close(previous, CloseCode.REPLACED);
        }
        return t;
    }

    /** The current resume token of an authenticated, live connection. Single use. */
    public Optional<String> resumeToken(ConnectionId id) {
        ConnectionEntry e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        e.lock.lock();
        try {
            return Optional.ofNullable(e.state.isLive() ? e.token : null);
        } finally {
            e.lock.unlock();
        }
    }

    /**
     * A heartbeat from an {@code OPEN} connection: extends its lease. If the lease was replaced by a
     * newer connection of the same device, the connection is closed with {@link CloseCode#REPLACED};
     * if it merely lapsed, a new lease is acquired.
     *
     * @return true if the connection is still open
     */
    public boolean heartbeat(ConnectionId id) {
        ConnectionEntry e = entries.get(id);
        if (e == null) {
            return false;
        }
        boolean replaced;
        List<ConnectionId> others = lockForLeaseCall(e);
        try {
            if (e.state != ConnectionState.OPEN) {
                return false;
            }
            e.lastSeen = clock.instant();
            replaced = !e.refreshLease(presence);
            if (!replaced) {
                tokens.store(e, e.lastSeen.plus(heartbeatTimeout).plus(resumeWindow));
            }
        } finally {
            unlockClosingReplaced(e, others);
        }
        if (replaced) {
            close(id, CloseCode.REPLACED);
            return false;
        }
        return true;
    }

    /**
     * The transport was lost or pushed off for a resumable reason: {@code OPEN → DETACHED}. The lease
     * and the resume token stay valid for the resume window. The handle is told to close.
     *
     * @throws IllegalArgumentException if {@code code} is not resumable (use {@link #close})
     */
    public Transition detach(ConnectionId id, CloseCode code) {
        Detached event = new Detached(code);
        ConnectionEntry e = entries.get(id);
        if (e == null) {
            return report.unknown(id, event);
        }
        ConnectionHandle handle;
        Transition t;
        e.lock.lock();
        try {
            t = ConnectionStateMachine.transition(e.state, event);
            if (!(t instanceof Transition.Moved m)) {
                return report.rejected(e, t);
            }
            handle = e.handle;
            e.handle = null;
            e.deadline = clock.instant().plus(resumeWindow);
            tokens.store(e, e.deadline);
            report.moved(e, m);
        } finally {
            e.lock.unlock();
        }
        report.closeHandle(id, handle, code);
        return t;
    }

    /**
     * Re-attaches a connection to a new transport, on this node or on any other node sharing the
     * resume store. The token is spent whatever the outcome.
     *
     * <ul>
     *   <li>If the connection lives on this node (detached, or open but its old transport not yet
     *       noticed as lost, which is then fenced), it becomes {@code OPEN} again under the same id
     *       with a single lease: renewed if still held, acquired afresh if it lapsed.</li>
     *   <li>If it lived on another node (that node may be dead), a new connection id is opened here
     *       and acquires the lease of the same (user, device), which atomically replaces the old
     *       lease (never two); the old node closes its connection with {@code replaced} when it hears
     *       of it.</li>
     * </ul>
     * If a newer connection of the same device exists, the resume is refused with {@code replaced}.
     * On any refusal {@code handle} is left untouched: the caller tells its client and closes it.
     */
    public ResumeResult resume(String token, ConnectionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        Optional<ResumeStore.Ticket> ticket = tokens.take(token, clock.instant());
        if (ticket.isEmpty()) {
            return new ResumeResult.Refused(UNKNOWN_RESUME_TOKEN, "resume token unknown, spent or expired");
        }
        ConnectionEntry e = entries.get(ticket.get().connection());
        if (e == null) {
            if (tokens.closedHere(ticket.get().connection())) {
                // Closed here while this resume was taking the token: the close stands.
                return new ResumeResult.Refused(UNKNOWN_RESUME_TOKEN, "connection closed");
            }
            return resumeFromElsewhere(ticket.get(), handle);
        }
        ConnectionHandle fenced = null;
        boolean replaced = false;
        boolean spent = false;
        ResumeResult result;
        List<ConnectionId> others = lockForLeaseCall(e);
        try {
            if (!token.equals(e.token)) {
                return new ResumeResult.Refused(UNKNOWN_RESUME_TOKEN, "resume token already rotated");
            }
            e.token = null;
            spent = true;
            if (e.state == ConnectionState.OPEN) {
                // The old transport is dead but the server has not noticed: fence it first.
                fenced = e.handle;
                e.handle = null;
                e.deadline = clock.instant().plus(resumeWindow); // as detach: a DETACHED entry has one
                report.moved(e, (Transition.Moved) ConnectionStateMachine.transition(e.state,
                        new Detached(CloseCode.TRANSPORT_LOST)));
            }
            Transition t = ConnectionStateMachine.transition(e.state, new Resumed());
            if (!(t instanceof Transition.Moved m)) {
                report.rejected(e, t);
                return new ResumeResult.Refused(UNKNOWN_RESUME_TOKEN, "connection is " + e.state);
            }
            if (e.refreshLease(presence)) {
                e.handle = handle;
                e.lastSeen = clock.instant();
                e.deadline = null;
                issueToken(e);
                report.moved(e, m);
                // OPEN again: user, device (set when authenticated) and the token just issued are present
                result = new ResumeResult.Resumed(e.id, Objects.requireNonNull(e.user), Objects.requireNonNull(e.device),
                        Objects.requireNonNull(e.token));
            } else {
                replaced = true;
                result = new ResumeResult.Refused(CloseCode.REPLACED.wireName(),
                        "a newer connection of this device exists");
            }
        } finally {
            unlockClosingReplaced(e, others);
            if (spent) {
                // A detach or heartbeat between our take and our lock may have stored the token again.
                tokens.remove(token);
            }
            report.closeHandle(e.id, fenced, CloseCode.TRANSPORT_LOST);
        }
        if (replaced) {
            close(e.id, CloseCode.REPLACED);
        }
        return result;
    }

    private ResumeResult resumeFromElsewhere(ResumeStore.Ticket ticket, ConnectionHandle handle) {
        for (Lease other : presence.liveLeases(ticket.user())) {
            if (other.device().equals(ticket.device()) && other.generation() > ticket.generation()
                    && !other.connection().equals(ticket.connection())) {
                return new ResumeResult.Refused(CloseCode.REPLACED.wireName(),
                        "a newer connection of this device exists");
            }
        }
        ConnectionId id = open(handle);
        Transition t = authenticate(id, ticket.user(), ticket.device());
        if (!t.moved()) {
            return new ResumeResult.Refused(UNKNOWN_RESUME_TOKEN, "could not attach: " + t);
        }
        LOG.debug("connection {} resumed here as {} (was on node {})", ticket.connection(), id, ticket.node());
        return new ResumeResult.Resumed(id, ticket.user(), ticket.device(), resumeToken(id).orElseThrow());
    }

    /**
     * Closes the connection for good with {@code code}: releases its lease (only if the generation
     * still matches), spends its resume token, tells the handle to close, forgets the connection.
     */
    public Transition close(ConnectionId id, CloseCode code) {
        return finish(id, new Closed(code));
    }

    /**
     * Periodic maintenance; call about once per second. Closes connections whose authentication
     * deadline passed, detaches open connections silent for longer than the heartbeat timeout, closes
     * detached connections whose resume window ended, then ticks presence.
     */
    public void tick() {
        Instant now = clock.instant();
        DueConnections due = DueConnections.scan(entries.values(), now,
                now.plus(presence.leaseTtl().multipliedBy(2).dividedBy(3)), heartbeatTimeout);
        // Each action on its own: one connection's failure never stops the node's maintenance.
        due.authExpired.forEach(id -> isolated(id, () -> finish(id, new AuthTimedOut())));
        due.silent.forEach(id -> isolated(id, () -> detach(id, CloseCode.HEARTBEAT_TIMEOUT)));
        due.resumeExpired.forEach(id -> isolated(id, () -> finish(id, new ResumeExpired())));
        due.renew.forEach(e -> isolated(e.id, () -> renewHeld(e)));
        tokens.purgeClosed(now);
        presence.tick();
    }

    /**
     * The node renews the lease of every connection it holds, open or detached inside its resume
     * window, once a third of the lease TTL has passed without a client heartbeat doing it: a user
     * stays online for as long as this node holds one of their connections, whatever the client's ping
     * timing, and goes offline only when the connection is closed (the resume window ended) or when
     * this node dies (its leases are purged after the node TTL).
     */
    private void renewHeld(ConnectionEntry e) {
        boolean replaced;
        List<ConnectionId> others = lockForLeaseCall(e);
        try {
            if ((e.state != ConnectionState.OPEN && e.state != ConnectionState.DETACHED) || e.lease == null) {
                return;
            }
            try {
                replaced = !e.refreshLease(presence);
            } catch (RuntimeException ex) {
                LOG.warn("could not renew the lease of connection {}; retrying next tick", e.id, ex);
                return;
            }
        } finally {
            unlockClosingReplaced(e, others);
        }
        if (replaced) {
            close(e.id, CloseCode.REPLACED);
        }
    }

    /** Snapshot of one connection, empty once closed. */
    public Optional<ConnectionInfo> info(ConnectionId id) {
        ConnectionEntry e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        e.lock.lock();
        try {
            // A closed entry lingers only until finish() has removed its token; it is not held any more.
            return e.state == ConnectionState.CLOSED ? Optional.empty() : Optional.of(e.info());
        } finally {
            e.lock.unlock();
        }
    }

    /** Snapshots of every connection this registry holds (none is {@code CLOSED}). */
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> all = new ArrayList<>();
        for (ConnectionId id : entries.keySet()) {
            info(id).ifPresent(all::add);
        }
        return all;
    }

    /** Number of held connections per state ({@code CLOSED} is always 0: closed ones are forgotten). */
    public Map<ConnectionState, Integer> countByState() {
        Map<ConnectionState, Integer> counts = new EnumMap<>(ConnectionState.class);
        for (ConnectionState s : ConnectionState.values()) {
            counts.put(s, 0);
        }
        for (ConnectionInfo i : connections()) {
            counts.merge(i.state(), 1, Integer::sum);
        }
        return counts;
    }

    /** Closes every held connection with {@link CloseCode#SERVER_SHUTDOWN} semantics: detach if open, else close. */
    @Override
    public void close() {
        for (ConnectionId id : new ArrayList<>(entries.keySet())) {
            info(id).ifPresent(i -> {
                if (i.state() == ConnectionState.OPEN) {
                    detach(id, CloseCode.SERVER_SHUTDOWN);
                } else if (i.state() == ConnectionState.CONNECTING) {
                    close(id, CloseCode.SERVER_SHUTDOWN);
                }
            });
        }
    }

    // ---- internals ----

    private Transition finish(ConnectionId id, ConnectionEvent event) {
        ConnectionEntry e = entries.get(id);
        if (e == null) {
            return report.unknown(id, event);
        }
        ConnectionHandle handle;
        Lease lease;
        String token;
        Transition t;
        e.lock.lock();
        try {
            t = ConnectionStateMachine.transition(e.state, event);
            if (!(t instanceof Transition.Moved m)) {
                return report.rejected(e, t);
            }
            handle = e.handle;
            lease = e.lease;
            token = e.token;
            e.handle = null;
            e.token = null;
            if (e.user != null) {
                byDevice.remove(deviceKey(e.user, Objects.requireNonNull(e.device)), e.id);
            }
            report.moved(e, m);
        } finally {
            e.lock.unlock();
        }
        // The token is removed before the entry leaves the map: a resume that took it meanwhile still
        // finds the entry, closed and without a token, and is refused; it never resumes "from elsewhere".
        if (token != null) {
            tokens.remove(token);
        }
        tokens.closed(e.id, clock.instant().plus(heartbeatTimeout).plus(resumeWindow));
        entries.remove(e.id, e);
        releaseQuietly(id, lease); // if it fails, the lease expires by TTL; the connection is closed regardless
        // a move into CLOSED always carries its close code
        report.closeHandle(id, handle, Objects.requireNonNull(((Transition.Moved) t).code()));
        return t;
    }

    private static void isolated(ConnectionId id, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ex) {
            LOG.warn("maintenance of connection {} failed; retrying next tick", id, ex);
        }
    }

    private void releaseQuietly(ConnectionId id, @Nullable Lease lease) {
        if (lease != null) {
            try {
                presence.disconnect(lease);
            } catch (RuntimeException ex) {
                LOG.warn("could not release lease of connection {}; it will expire", id, ex);
            }
        }
    }

    private void onLeaseReplaced(ConnectionId id) {
        List<ConnectionId> deferred = deferredReplaced.get();
        if (deferred != null) {
            deferred.add(id); // raised inside a lease call of this thread: closed after its unlock
        } else if (entries.containsKey(id)) {
            close(id, CloseCode.REPLACED);
        }
    }

    /** Locks {@code e} for a section that may acquire a lease; returns the list collecting replaced ids. */
    private List<ConnectionId> lockForLeaseCall(ConnectionEntry e) {
        e.lock.lock();
        List<ConnectionId> replaced = new ArrayList<>(0);
        deferredReplaced.set(replaced);
        return replaced;
    }

    /** Unlocks {@code e}, then closes the connections its lease call replaced (I/O, so outside the lock). */
    private void unlockClosingReplaced(ConnectionEntry e, List<ConnectionId> replaced) {
        deferredReplaced.remove();
        e.lock.unlock();
        for (ConnectionId old : replaced) {
            onLeaseReplaced(old);
        }
    }

    /** A fresh token for {@code e}; the previous one is already spent (resume) or absent (authenticate). */
    private void issueToken(ConnectionEntry e) {
        e.token = tokens.newToken();
        tokens.store(e, clock.instant().plus(heartbeatTimeout).plus(resumeWindow));
    }

    private static String deviceKey(UserId user, DeviceId device) {
        return user.value() + '|' + device.value();
    }

    /** Options for {@link ConnectionRegistry}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final PresenceService presence;
        private final ResumeStore resumeStore;
        private @Nullable Clock clock;
        private VicinityListener listener = VicinityListener.NO_OP;
        private Duration authTimeout = Duration.ofSeconds(10);
        private Duration resumeWindow = Duration.ofMinutes(2);
        private @Nullable Duration heartbeatTimeout;

        private Builder(PresenceService presence, ResumeStore resumeStore) {
            this.presence = Checks.notNull("presence", presence);
            this.resumeStore = Checks.notNull("resumeStore", resumeStore);
        }

        /** Clock (default: the presence service's clock). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** Listener for connection events (default {@link VicinityListener#NO_OP}). */
        public Builder listener(VicinityListener listener) {
            this.listener = Checks.notNull("listener", listener);
            return this;
        }

        /** How long a connection may stay unauthenticated (default 10 s). */
        public Builder authTimeout(Duration timeout) {
            this.authTimeout = timeout;
            return this;
        }

        /** How long a detached connection stays resumable (default 2 min). */
        public Builder resumeWindow(Duration window) {
            this.resumeWindow = window;
            return this;
        }

        /** Silence after which an open connection is detached (default: the lease TTL). */
        public Builder heartbeatTimeout(Duration timeout) {
            this.heartbeatTimeout = timeout;
            return this;
        }

        /** @throws IllegalArgumentException if a duration is not positive */
        public ConnectionRegistry build() {
            Checks.positive("authTimeout", authTimeout);
            Checks.positive("resumeWindow", resumeWindow);
            if (heartbeatTimeout != null) {
                Checks.positive("heartbeatTimeout", heartbeatTimeout);
            }
            return new ConnectionRegistry(this);
        }
    }
}
