package dev.vicinity.core;

import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.PresenceStore.Acquired;
import dev.vicinity.core.spi.PresenceStore.SweepResult;
import dev.vicinity.core.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence of users across all nodes, on top of a {@link PresenceStore}: one lease per connection,
 * renewed by heartbeats; a user is online while any lease is live.
 *
 * <ul>
 *   <li>{@link #connect} gives the connection a lease with a fresh generation; older leases of the
 *       same (user, device) are removed atomically and reported so their connections can be closed
 *       with {@link CloseCode#REPLACED} (locally through {@link #onReplaced}, on other nodes through
 *       the event bus when one is configured, and in any case because their next heartbeat fails).</li>
 *   <li>{@link #disconnect} removes a lease only if its generation still matches, so cleanup of an
 *       old connection never removes the newer lease.</li>
 *   <li>{@link #tick} (call it periodically, e.g. every second) renews this node's heartbeat, sweeps
 *       expired leases and the leases of dead nodes in bulk, and emits {@code offline} for users
 *       whose last lease went more than the grace period ago. A user who comes back within the grace
 *       period produces no event at all, so UIs do not flap.</li>
 * </ul>
 *
 * <p>Guarantees: per user, {@link PresenceChange}s alternate online/offline and exactly one
 * {@code offline} is emitted per online period across all nodes sharing the store (the store decides
 * each transition atomically). A dead node's users go offline within {@code nodeTtl + offlineGrace}
 * after its last heartbeat (or {@code leaseTtl + offlineGrace} if that is shorter), provided some
 * surviving node ticks.
 *
 * <p>Thread-safe; no lock is held while the store, the bus or a subscriber is called. All times come
 * from the injected {@link Clock}.
 */
public final class PresenceService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceService.class);
    /** Bus topic on which presence changes are fanned out to every node. */
    public static final String CHANGES_TOPIC = "vicinity.presence.changes";
    /** Prefix of the per-node bus topic carrying "your connection was replaced" notices. */
    public static final String REPLACED_TOPIC_PREFIX = "vicinity.presence.replaced.";

    private final PresenceStore store;
    private final NodeId node;
    private final Clock clock;
    private final VicinityListener listener;
    private final Duration leaseTtl;
    private final Duration offlineGrace;
    private final Duration nodeTtl;
    private final int sweepLimit;
    private final @Nullable EventBus bus;
    private final List<Consumer<PresenceChange>> subscribers = new CopyOnWriteArrayList<>();
    private final List<Consumer<ConnectionId>> replacedHandlers = new CopyOnWriteArrayList<>();
    private final List<Subscription> busSubscriptions = new ArrayList<>();

    private PresenceService(Builder b) {
        this.store = b.store;
        this.node = b.node;
        this.clock = b.clock;
        this.listener = VicinityListener.isolating(b.listener);
        this.leaseTtl = b.leaseTtl;
        this.offlineGrace = b.offlineGrace;
        this.nodeTtl = b.nodeTtl;
        this.sweepLimit = b.sweepLimit;
        this.bus = b.bus;
        store.heartbeatNode(node, clock.instant().plus(nodeTtl));
        if (bus != null) {
            busSubscriptions.add(bus.subscribe(CHANGES_TOPIC, (topic, payload) -> onRemoteChange(payload)));
            busSubscriptions.add(bus.subscribe(REPLACED_TOPIC_PREFIX + node.value(),
                    (topic, payload) -> onRemoteReplaced(payload)));
        }
    }

    /** Starts a builder; {@code store} and {@code node} are required. */
    public static Builder builder(PresenceStore store, NodeId node) {
        return new Builder(store, node);
    }

    /** This node's id. */
    public NodeId node() {
        return node;
    }

    /** The lease time-to-live: a connection must heartbeat more often than this. */
    public Duration leaseTtl() {
        return leaseTtl;
    }

    /** The clock this service reads. */
    public Clock clock() {
        return clock;
    }

    /**
     * Gives {@code connection} a lease. Older leases of the same (user, device) are removed and
     * returned in {@link Acquired#replaced()}; the caller closes those of its own node (handlers
     * registered with {@link #onReplaced} are told about every replaced lease of this node too).
     */
    public Acquired connect(UserId user, DeviceId device, ConnectionId connection) {
        Instant now = clock.instant();
        Acquired acquired = store.acquire(user, device, connection, node, now.plus(leaseTtl));
        for (Lease old : acquired.replaced()) {
            listener.onLeaseReplaced(old, acquired.lease());
            if (old.node().equals(node)) {
                notifyReplaced(old.connection());
            } else if (bus != null) {
                bus.publish(REPLACED_TOPIC_PREFIX + old.node().value(),
                        old.connection().value().getBytes(StandardCharsets.UTF_8));
            }
        }
        if (acquired.cameOnline()) {
            emit(new PresenceChange(user, true, now, node));
        }
        return acquired;
    }

    /**
     * Extends the lease by the lease TTL from now.
     *
     * @return the renewed lease, or empty if it is gone (expired and swept, or replaced)
     */
    public Optional<Lease> heartbeat(Lease lease) {
        return store.renew(lease.connection(), lease.generation(), clock.instant().plus(leaseTtl));
    }

    /**
     * Removes the lease if it still has its generation. If it was the user's last lease, the user
     * goes offline after the grace period unless a new lease appears meanwhile.
     *
     * @return true if this call removed the lease
     */
    public boolean disconnect(Lease lease) {
        return store.release(lease.connection(), lease.generation(), clock.instant().plus(offlineGrace))
                .isPresent();
    }

    /** All stored leases of {@code user} that are live now. */
    public List<Lease> liveLeases(UserId user) {
        Instant now = clock.instant();
        List<Lease> live = new ArrayList<>();
        for (Lease l : store.leasesOf(user)) {
            if (l.isLiveAt(now)) {
                live.add(l);
            }
        }
        return live;
    }

    /** Whether {@code user} has a live lease now. */
    public boolean isOnline(UserId user) {
        Instant now = clock.instant();
        for (Lease l : store.leasesOf(user)) {
            if (l.isLiveAt(now)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Which of {@code users} have a live lease now, read in one batch
     * ({@link PresenceStore#liveAmong}: one round trip on a store that implements it natively, e.g. one
     * {@code HMGET} on Redis). Suits {@code OnlineCheck.batch(presence::onlineAmong)} in the nearby matcher.
     */
    public Set<UserId> onlineAmong(Collection<UserId> users) {
        Objects.requireNonNull(users, "users");
        if (users.isEmpty()) {
            return Set.of();
        }
        return store.liveAmong(users, clock.instant());
    }

    /** Online state of each of {@code users}, in iteration order. */
    public Map<UserId, Boolean> snapshot(Collection<UserId> users) {
        Map<UserId, Boolean> result = new LinkedHashMap<>();
        for (UserId u : users) {
            result.put(u, isOnline(u));
        }
        return Map.copyOf(result);
    }

    /**
     * Subscribes to presence changes of every user, decided on this node or (with an event bus) on
     * any node. Take a {@link #snapshot} after subscribing to avoid missing a change. The consumer
     * runs on the thread that decided the change or on a bus thread; it must be fast. Exceptions it
     * throws are logged and ignored.
     */
    public Subscription subscribe(Consumer<PresenceChange> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        subscribers.add(consumer);
        return new Subscription() {
            private volatile boolean active = true;

            @Override
            public String topic() {
                return CHANGES_TOPIC;
            }

            @Override
            public boolean isActive() {
                return active;
            }

            @Override
            public void close() {
                active = false;
                subscribers.remove(consumer);
            }
        };
    }

    /**
     * Registers a handler told the connection id of every lease of this node that was replaced by a
     * newer connection of the same (user, device), here or on another node. {@link ConnectionRegistry}
     * uses it to close the old connection with {@link CloseCode#REPLACED}.
     */
    public void onReplaced(Consumer<ConnectionId> handler) {
        replacedHandlers.add(Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Periodic maintenance: renews this node's heartbeat, sweeps expired leases and dead nodes'
     * leases, emits {@code offline} for users whose grace period ended. Safe to call from several
     * nodes at once; call it at least once per second for timely offline events.
     *
     * @return what the sweep removed and who went offline
     */
    public SweepResult tick() {
        Instant now = clock.instant();
        store.heartbeatNode(node, now.plus(nodeTtl));
        SweepResult r = store.sweep(now, now.plus(offlineGrace), sweepLimit);
        if (!r.expired().isEmpty() || !r.purged().isEmpty()) {
            listener.onLeasesSwept(r.expired().size(), r.purged().size());
            LOG.debug("node {} swept {} expired and {} dead-node leases", node, r.expired().size(),
                    r.purged().size());
        }
        for (UserId user : r.wentOffline()) {
            emit(new PresenceChange(user, false, now, node));
        }
        return r;
    }

    private void notifyReplaced(ConnectionId connection) {
        for (Consumer<ConnectionId> h : replacedHandlers) {
            try {
                h.accept(connection);
            } catch (RuntimeException e) {
                LOG.warn("replaced-lease handler failed for connection {}", connection, e);
            }
        }
    }

    private void emit(PresenceChange change) {
        LOG.debug("user {} is {}", change.user(), change.online() ? "online" : "offline");
        listener.onPresenceChanged(change);
        deliverLocally(change);
        if (bus != null) {
            String wire = (change.online() ? "1" : "0") + '|' + change.user().value() + '|'
                    + change.node().value() + '|' + change.at().toEpochMilli();
            bus.publish(CHANGES_TOPIC, wire.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void deliverLocally(PresenceChange change) {
        for (Consumer<PresenceChange> s : subscribers) {
            try {
                s.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("presence subscriber failed on {}", change, e);
            }
        }
    }

    private void onRemoteChange(byte[] payload) {
        try {
            String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
            NodeId origin = NodeId.of(parts[2]);
            if (origin.equals(node)) {
                return; // already delivered locally
            }
            deliverLocally(new PresenceChange(UserId.of(parts[1]), "1".equals(parts[0]),
                    Instant.ofEpochMilli(Long.parseLong(parts[3])), origin));
        } catch (RuntimeException e) {
            LOG.warn("ignored malformed presence change from the bus", e);
        }
    }

    private void onRemoteReplaced(byte[] payload) {
        try {
            notifyReplaced(ConnectionId.of(new String(payload, StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            LOG.warn("ignored malformed replaced notice from the bus", e);
        }
    }

    /** Unsubscribes from the event bus. Leases stay until they expire or are swept. Idempotent. */
    @Override
    public void close() {
        List<Subscription> toClose;
        synchronized (busSubscriptions) { // decide under the monitor; unsubscribing (bus I/O) happens outside
            toClose = new ArrayList<>(busSubscriptions);
            busSubscriptions.clear();
        }
        toClose.forEach(Subscription::close);
    }

    /** Options for {@link PresenceService}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final PresenceStore store;
        private final NodeId node;
        private Clock clock = Clock.systemUTC();
        private VicinityListener listener = VicinityListener.NO_OP;
        private Duration leaseTtl = Duration.ofSeconds(30);
        private Duration offlineGrace = Duration.ofSeconds(10);
        private Duration nodeTtl = Duration.ofSeconds(15);
        private int sweepLimit = 10_000;
        private @Nullable EventBus bus;

        private Builder(PresenceStore store, NodeId node) {
            this.store = Checks.notNull("store", store);
            this.node = Checks.notNull("node", node);
        }

        /** Clock for every timestamp (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** Listener for presence events (default: {@link VicinityListener#NO_OP}). */
        public Builder listener(VicinityListener listener) {
            this.listener = Checks.notNull("listener", listener);
            return this;
        }

        /** Lease time-to-live (default 30 s); clients must heartbeat well within it. */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = ttl;
            return this;
        }

        /** How long a user without leases stays "pending offline" before {@code offline} (default 10 s). */
        public Builder offlineGrace(Duration grace) {
            this.offlineGrace = grace;
            return this;
        }

        /** Node heartbeat time-to-live (default 15 s); a node silent that long is dead. */
        public Builder nodeTtl(Duration ttl) {
            this.nodeTtl = ttl;
            return this;
        }

        /** Maximum expired leases removed per {@link #tick()} (default 10,000). */
        public Builder sweepLimit(int limit) {
            this.sweepLimit = limit;
            return this;
        }

        /** Event bus for cross-node fan-out of changes and replacement notices (default: none). */
        public Builder eventBus(EventBus bus) {
            this.bus = bus;
            return this;
        }

        /** @throws IllegalArgumentException if a TTL is not positive, the grace negative or the limit below 1 */
        public PresenceService build() {
            Checks.positive("leaseTtl", leaseTtl);
            Checks.positive("nodeTtl", nodeTtl);
            Checks.notNegative("offlineGrace", offlineGrace);
            Checks.atLeast("sweepLimit", sweepLimit, 1);
            return new PresenceService(this);
        }
    }
}
