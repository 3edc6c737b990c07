package dev.vicinity.chat;

import dev.vicinity.chat.internal.BusCodec;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The node-local side of chat: which users are attached here, which sessions this node follows
 * (one {@link LocalSession} each), the routing of bus notices to them, and delivery to this node's
 * connections through {@link ChatRecipients}.
 *
 * <p>{@code attachLock} (a {@link ReentrantLock}, so a virtual thread waiting on it does not pin)
 * guards the attachment counts and which sessions each attached user follows; it spans bus
 * subscribe and unsubscribe calls but never a store read. Store reads happen in session tasks (see
 * {@link LocalSession}) or on the calling thread with no lock held. Lock order: a session's inbox,
 * then {@code attachLock}; nothing holding {@code attachLock} waits for an inbox. Thread-safe.
 */
final class LocalFanOut {
    private final ChatConfig cfg;
    private final Visibility visibility;
    private final Publisher publisher;
    private final ReentrantLock attachLock = new ReentrantLock();
    private final Map<UserId, Attachment> attached = new ConcurrentHashMap<>();
    private final Map<SessionId, LocalSession> local = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A user attached on this node: how many times, its notice subscription, the sessions it follows. */
    private static final class Attachment {
        int count;
        @SuppressWarnings("NullAway.Init") // set right after the attachment is created, under attachLock
        Subscription subscription;
        final Set<SessionId> sessions = new HashSet<>();
    }

    LocalFanOut(ChatConfig cfg, Visibility visibility, Publisher publisher) {
        this.cfg = cfg;
        this.visibility = visibility;
        this.publisher = publisher;
    }

    /** This service's publisher (receivers take a message published on their own thread from it). */
    Publisher publisher() {
        return publisher;
    }

    // ------------------------------------------------------------------ attach and detach

    /** See {@link ChatService#attach}. */
    List<SessionView> attach(UserId user) {
        attachLock.lock();
        try {
            Attachment a = attached.get(user);
            if (a == null) {
                a = new Attachment();
                a.subscription = cfg.bus().subscribe(ChatService.USER_TOPIC_PREFIX + user.value(), (t, p) -> onNotice(p));
                attached.put(user, a);
            }
            a.count++;
        } finally {
            attachLock.unlock();
        }
        List<SessionView> views = new ArrayList<>();
        for (ChatSession s : ordered(cfg.sessions().openSessionsOf(user))) {
            if (s.state() == ChatSessionState.ACTIVE && s.isJoined(user)) {
                // The other members learn the user is connected (again): chat.presence "online".
                publisher.publish(topic(s.id()), BusCodec.presence(s.version(), user, false));
            }
            // Every open session is followed on this node; at most MAX_ATTACH_VIEWS are listed.
            ChatSession cur = ensureLocal(s);
            Participant p = cur.participant(user).orElse(null);
            if (p == null || visibility.hiddenFrom(cur, user) || views.size() >= ChatService.MAX_ATTACH_VIEWS) {
                continue;
            }
            views.add(view(cur, p, cfg.messages().bounds(s.id()).top()));
        }
        return List.copyOf(views);
    }

    static SessionView view(ChatSession s, Participant p, long top) {
        return new SessionView(s, top, p.lastRead(), Math.max(0, top - p.lastRead()));
    }

    /** Active sessions first, then invites, newest first, ties by id: a stable listing order. */
    static List<ChatSession> ordered(Collection<ChatSession> open) {
        List<ChatSession> list = new ArrayList<>(open);
        list.sort(Comparator.comparing((ChatSession s) -> s.state() != ChatSessionState.ACTIVE)
                .thenComparing(ChatSession::createdAt, Comparator.reverseOrder())
                .thenComparing(s -> s.id().value()));
        return list;
    }

    /** See {@link ChatService#detach}. */
    void detach(UserId user) {
        attachLock.lock();
        try {
            Attachment a = attached.get(user);
            if (a == null || --a.count > 0) {
                return;
            }
            attached.remove(user);
            a.subscription.close();
            for (SessionId sid : a.sessions) {
                LocalSession ls = local.get(sid);
                if (ls != null && !anyAttached(ls.snapshot())) {
                    release(ls);
                }
            }
        } finally {
            attachLock.unlock();
        }
    }

    /** Closes every subscription of this node. Idempotent. */
    void close() {
        attachLock.lock();
        try {
            closed = true;
            for (Attachment a : attached.values()) {
                a.subscription.close();
            }
            attached.clear();
            for (LocalSession ls : new ArrayList<>(local.values())) {
                release(ls);
            }
        } finally {
            attachLock.unlock();
        }
    }

    int localSessionCount() {
        return local.size();
    }

    int attachedUserCount() {
        return attached.size();
    }

    // ------------------------------------------------------------------ sessions followed here

    /** Follows {@code s} on this node if needed; returns the freshest snapshot known locally. */
    private ChatSession ensureLocal(ChatSession s) {
        for (int attempt = 0; attempt < 3; attempt++) {
            LocalSession ls = local.get(s.id());
            if (ls == null && (closed || s.state().isTerminal())) {
                return s;
            }
            ls = ls != null ? ls : localFor(s.id());
            if (ls == null) {
                return s;
            }
            track(s);
            ls.follow(s);
            ChatSession snap = ls.snapshot();
            if (snap != null) {
                return snap;
            }
            // Released before it opened (a racing notice found nobody here yet): follow it afresh.
        }
        return s;
    }

    /** The session's local view, created (not yet opened) if absent; null once the node is closed. */
    private @Nullable LocalSession localFor(SessionId id) {
        if (closed) {
            return null;
        }
        return local.computeIfAbsent(id, k -> new LocalSession(k, this, cfg));
    }

    /** Records that the attached participants of {@code s} follow it (so detach can release it). */
    void track(ChatSession s) {
        attachLock.lock();
        try {
            for (Participant p : s.participants()) {
                Attachment a = attached.get(p.user());
                if (a != null) {
                    a.sessions.add(s.id());
                }
            }
        } finally {
            attachLock.unlock();
        }
    }

    boolean anyAttached(@Nullable ChatSession s) {
        if (s == null) {
            return false;
        }
        for (Participant p : s.participants()) {
            if (attached.containsKey(p.user())) {
                return true;
            }
        }
        return false;
    }

    /** Stops following {@code ls} on this node. */
    void release(LocalSession ls) {
        attachLock.lock();
        try {
            if (!ls.markClosed()) {
                return;
            }
            ls.closeSubscription();
            ChatSession s = ls.snapshot();
            if (s != null) {
                for (Participant p : s.participants()) {
                    Attachment a = attached.get(p.user());
                    if (a != null) {
                        a.sessions.remove(ls.id);
                    }
                }
            }
            local.remove(ls.id, ls);
        } finally {
            attachLock.unlock();
        }
    }

    /** The session's topic; reuses the local subscription's string (its hash is cached) when there is one. */
    String topic(SessionId id) {
        LocalSession ls = local.get(id);
        return ls != null ? ls.topic : ChatService.SESSION_TOPIC_PREFIX + id.value();
    }

    /** See {@link ChatService#typingUsers}. */
    Set<UserId> typingUsers(SessionId id, Instant now) {
        LocalSession ls = local.get(id);
        return ls == null ? Set.of() : ls.typingUsers(now);
    }

    // ------------------------------------------------------------------ session changes

    /**
     * A change stored by this node ({@code s}, version {@code s.version()}): applied to the local
     * view and its connections before this returns.
     */
    void changedHere(ChatSession s) {
        LocalSession ls = localFor(s.id());
        if (ls != null) {
            ls.changedNow(s.version(), s);
        } else {
            deliverChange(null, s);
        }
    }

    /** A session notice from the bus (a user topic): queued to the session's local view. */
    private void onNotice(byte[] payload) {
        if (BusCodec.type(payload) != BusCodec.NOTICE) {
            return;
        }
        LocalSession ls = localFor(BusCodec.noticeSession(payload));
        if (ls != null) {
            ls.changedLater(BusCodec.version(payload));
        }
    }

    // ------------------------------------------------------------------ delivery to local connections

    /**
     * Tells local connections about a new snapshot: every participant not {@code LEFT}, plus those who
     * became {@code LEFT} in this very change (so a leaver learns it left, and nothing after that).
     */
    void deliverChange(@Nullable ChatSession previous, ChatSession s) {
        ChatEvent ev = new ChatEvent.SessionChanged(s);
        for (Participant p : s.participants()) {
            boolean justLeft = p.state() == MemberState.LEFT && previous != null
                    && previous.participant(p.user()).map(q -> q.state() != MemberState.LEFT).orElse(false);
            if ((p.state() != MemberState.LEFT || justLeft) && !visibility.hiddenFrom(s, p.user())) {
                toUser(p.user(), ev);
            }
        }
    }

    /**
     * Hands {@code ev} to every local connection of every {@code JOINED} participant of {@code s}
     * except {@code except} (null: nobody excepted). Returns the number of connections reached.
     */
    int toJoined(ChatSession s, @Nullable UserId except, ChatEvent ev) {
        int n = 0;
        for (Participant p : s.participants()) {
            if (p.state() == MemberState.JOINED && !p.user().equals(except)) {
                n += toUser(p.user(), ev);
            }
        }
        return n;
    }

    private int toUser(UserId user, ChatEvent ev) {
        return cfg.recipients().deliverToUser(user, ev);
    }
}
