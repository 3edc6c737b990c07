package dev.vicinity.chat;

import dev.vicinity.chat.internal.BusCodec;
import dev.vicinity.chat.internal.SerialInbox;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.spi.Subscription;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's view of one session with a locally attached participant: its bus subscription, the
 * cached snapshot membership is checked against, and a {@link ReplayCursor} of what this node has
 * delivered. Every bus event and every local change of the session runs as a task of the session's
 * {@link SerialInbox}, so they apply one at a time in arrival order; a task may read the stores
 * (refresh, gap recovery) without holding any lock but the inbox's own, and without holding up the
 * bus thread or other sessions.
 *
 * <p>{@link #snapshot} and {@link #cursor} are written by inbox tasks only; {@code closed} and the
 * typing map are read from other threads. Thread-safe.
 */
final class LocalSession {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSession.class);
    private static final Subscription RELEASED = new Subscription() {
        @Override
        public String topic() {
            return "";
        }

        @Override
        public boolean isActive() {
            return false;
        }

        @Override
        public void close() {}
    };

    final SessionId id;
    final String topic;
    private final LocalFanOut node;
    private final ChatConfig cfg;
    private final SerialInbox inbox;
    private final AtomicReference<Subscription> subscription = new AtomicReference<>();
    /** Guarded by itself. */
    private final Map<UserId, Instant> typing = new HashMap<>();
    private volatile @Nullable ChatSession snapshot;
    private volatile boolean closed;
    @SuppressWarnings("NullAway.Init") // set by open(), before the topic subscription delivers anything
    private ReplayCursor cursor;

    LocalSession(SessionId id, LocalFanOut node, ChatConfig cfg) {
        this.id = id;
        this.topic = ChatService.SESSION_TOPIC_PREFIX + id.value();
        this.node = node;
        this.cfg = cfg;
        this.inbox = new SerialInbox(cfg.deliveryExecutor());
    }

    /** The cached snapshot; null until the session is opened on this node. */
    @Nullable ChatSession snapshot() {
        return snapshot;
    }

    boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ entry points (any thread)

    /** A bus event on the session's topic: queued, handled on the delivery executor. */
    private void onEvent(byte[] payload) {
        inbox.submit(() -> handle(payload));
    }

    /** The session reached {@code version} (a notice from the bus): queued like a bus event. */
    void changedLater(long version) {
        inbox.submit(() -> changed(version, null));
    }

    /** The session reached {@code version} ({@code known} if non-null): applied before this returns. */
    void changedNow(long version, @Nullable ChatSession known) {
        inbox.runNow(() -> changed(version, known));
    }

    /** Opens the session here if needed and keeps {@code s} if it is newer; done before this returns. */
    void follow(ChatSession s) {
        inbox.runNow(() -> {
            if (closed) {
                return;
            }
            if (snapshot == null) {
                open(s, false);
            } else if (s.version() > snapshot.version()) {
                snapshot = s;
            }
        });
    }

    /** Users whose typing indicator has not expired at {@code now}. */
    Set<UserId> typingUsers(Instant now) {
        synchronized (typing) {
            typing.values().removeIf(exp -> !exp.isAfter(now));
            return Set.copyOf(typing.keySet());
        }
    }

    /** Marks this view closed; true for the first call. Caller holds the node's attach lock. */
    boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** Closes the bus subscription (now, or as soon as {@link #open} made it). Idempotent. */
    void closeSubscription() {
        Subscription s = subscription.getAndSet(RELEASED);
        if (s != null && s != RELEASED) {
            s.close();
        }
    }

    // ------------------------------------------------------------------ inbox tasks

    /**
     * Starts following the session: subscribes, then reads the store's top (everything above it arrives
     * on the bus, or as a gap). {@code fromNotice}: the node learnt of the session from the bus (a new
     * invite or an accept made on another node), so local members have seen none of its messages yet;
     * those stored before the subscription (sent between the change and now; at most one replay page)
     * are delivered from history at once instead of being taken as seen.
     */
    private void open(ChatSession s, boolean fromNotice) {
        Subscription sub = cfg.bus().subscribe(topic, (t, p) -> onEvent(p));
        if (!subscription.compareAndSet(null, sub)) {
            sub.close(); // released while subscribing
            return;
        }
        long top = cfg.messages().bounds(id).top();
        ChatSession fresh = cfg.sessions().find(id).orElse(s);
        cursor = new ReplayCursor(cfg.sessions(), cfg.messages(), cfg.listener(), id, null,
                fromNotice ? Math.max(0, top - cfg.replayPageSize()) : top, top, cfg.replayPageSize());
        snapshot = fresh.version() >= s.version() ? fresh : s;
        node.track(snapshot);
        if (fromNotice && top > 0) {
            catchUp(top);
        }
    }

    private void handle(byte[] payload) {
        if (closed || snapshot == null) {
            return;
        }
        byte type = BusCodec.type(payload);
        switch (type) {
            case BusCodec.MESSAGE -> onMessage(payload);
            case BusCodec.SESSION -> changed(BusCodec.version(payload), null);
            case BusCodec.TYPING -> onTyping(payload);
            case BusCodec.READ -> onRead(payload);
            case BusCodec.PRESENCE -> onPresence(payload);
            default -> LOG.warn("chat: unknown payload type {} on {}", type, topic);
        }
    }

    private void changed(long version, @Nullable ChatSession known) {
        if (closed) {
            return;
        }
        ChatSession previous = snapshot;
        if (previous != null && version <= previous.version()) {
            return;
        }
        ChatSession s = known != null && known.version() >= version ? known : cfg.sessions().find(id).orElse(null);
        if (previous == null) {
            // First news of this session on this node: follow it if someone here takes part.
            if (s != null && !s.state().isTerminal() && node.anyAttached(s)) {
                open(s, true);
            }
            if (s != null) {
                node.deliverChange(null, s);
            }
            if (snapshot == null) {
                node.release(this);
            }
            return;
        }
        if (s == null || s.version() <= previous.version()) {
            return;
        }
        snapshot = s;
        node.deliverChange(previous, s);
        if (s.state().isTerminal()) {
            // Drain what was stored before the end, then stop listening.
            catchUp(cfg.messages().bounds(id).top());
            node.release(this);
        }
    }

    private void onMessage(byte[] payload) {
        long seq = BusCodec.sequence(payload);
        ReplayCursor.Offer offer = cursor.offer(seq);
        if (offer == ReplayCursor.Offer.SEEN) {
            return;
        }
        refresh(BusCodec.version(payload));
        if (offer == ReplayCursor.Offer.GAP) {
            // On failure local members were told to resync; the message in hand still counts.
            catchUp(seq - 1);
        }
        deliver(node.publisher().decodeMessage(id, payload));
    }

    /** Reloads the snapshot if the event carries a newer session version than the cached one. */
    @SuppressWarnings("NullAway") // runs on the inbox after open(): snapshot is set
    private void refresh(long version) {
        if (version <= snapshot.version()) {
            return;
        }
        ChatSession s = cfg.sessions().find(id).orElse(null);
        if (s != null && s.version() > snapshot.version()) {
            ChatSession previous = snapshot;
            snapshot = s;
            node.deliverChange(previous, s);
        }
    }

    /**
     * Delivers everything up to {@code upTo} from history, page by page. If history no longer has
     * it, local members are told to resync and the range is skipped.
     */
    @SuppressWarnings("NullAway") // runs on the inbox after open(): snapshot is set
    private void catchUp(long upTo) {
        cursor.extendTo(upTo);
        while (cursor.hasNext()) {
            for (ChatMessage m : cursor.nextPage()) {
                deliver(m);
            }
        }
        if (!cursor.complete()) {
            node.toJoined(snapshot, null, new ChatEvent.ResyncRequired(id, upTo));
            cursor.advanceTo(upTo);
        }
    }

    @SuppressWarnings("NullAway") // runs on the inbox after open(): snapshot is set
    private void deliver(ChatMessage m) {
        int n = node.toJoined(snapshot, null, new ChatEvent.NewMessage(m));
        cursor.advanceTo(m.sequence());
        VicinityListener listener = cfg.listener();
        if (listener == VicinityListener.NO_OP) {
            return; // nothing listens: no clock read for the latency
        }
        Instant now = cfg.clock().instant();
        long latency = Math.max(0, (now.getEpochSecond() - m.storedAt().getEpochSecond()) * 1_000_000_000L
                + (now.getNano() - m.storedAt().getNano()));
        listener.onMessageDelivered(id, m.sequence(), n, latency);
    }

    @SuppressWarnings("NullAway") // runs on the inbox after open(): snapshot is set
    private void onTyping(byte[] payload) {
        UserId user = BusCodec.user(payload);
        Instant expiresAt = BusCodec.typingExpiresAt(payload);
        refresh(BusCodec.version(payload));
        if (!snapshot.isJoined(user)) {
            return;
        }
        synchronized (typing) {
            typing.merge(user, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
        }
        node.toJoined(snapshot, user, new ChatEvent.Typing(id, user, expiresAt));
    }

    @SuppressWarnings("NullAway") // runs on the inbox after open(): snapshot is set
    private void onRead(byte[] payload) {
        UserId user = BusCodec.user(payload);
        refresh(BusCodec.version(payload));
        node.toJoined(snapshot, null, new ChatEvent.ReadMarker(id, user, BusCodec.sequence(payload)));
    }

    @SuppressWarnings("NullAway") // runs on the inbox after open(): snapshot is set
    private void onPresence(byte[] payload) {
        UserId user = BusCodec.user(payload);
        if (snapshot.isJoined(user)) {
            node.toJoined(snapshot, user, new ChatEvent.MemberPresence(id, user, BusCodec.sequence(payload) == 1));
        }
    }
}
