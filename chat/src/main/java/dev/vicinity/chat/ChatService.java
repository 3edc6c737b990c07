package dev.vicinity.chat;

import dev.vicinity.chat.ChatSessionMachine.MemberEvent;
import dev.vicinity.chat.internal.BusCodec;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.HistoryBounds;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.IdGenerator;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.internal.KeyedTokenBuckets;
import dev.vicinity.core.internal.TokenBucket;
import dev.vicinity.core.VicinityException;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's chat engine: session lifecycle (through {@link ChatSessionMachine} and a compare-and-set
 * on the session version), exactly-once message intake, fan-out through the {@link EventBus},
 * membership-checked delivery to this node's connections, resume from history, typing indicators,
 * read markers and blocks.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Session state only changes through {@link ChatSessionStore#compareAndSet}: when two nodes
 *       race on the same session, exactly one move wins; the other re-reads and re-decides (and is
 *       refused if its move is no longer legal).</li>
 *   <li>A message is accepted only while the session is {@code ACTIVE} and its sender {@code JOINED};
 *       it is stored (gap-free sequence, idempotent by (session, sender, client id)) before it is
 *       published. Re-sending a client id stores nothing and returns the original sequence.</li>
 *   <li>Delivery checks membership on the receiving node at delivery time. Every published message
 *       carries the session version its sender read; a node whose cached session is older reloads it
 *       from the store first. Hence a message whose {@code send} started after a {@code leave} or
 *       {@code block} returned never reaches the user who left, on any node, even if the bus lost
 *       the membership notice. Per node and session, live deliveries are in sequence order without
 *       duplicates; a gap seen on the bus is filled from history, or, if history was trimmed, local
 *       members get {@link ChatEvent.ResyncRequired}.</li>
 * </ul>
 *
 * <h2>Fan-out topology</h2>
 * One bus topic per session ({@value #SESSION_TOPIC_PREFIX}{@code <id>}), subscribed by a node only
 * while one of the session's participants is attached there, plus one topic per attached user
 * ({@value #USER_TOPIC_PREFIX}{@code <id>}) that carries session notices (invites, state changes) so
 * nodes learn about sessions created elsewhere. A message is published once and reaches only the
 * nodes that host a participant; with sharded pub/sub the load spreads over shards by session.
 *
 * <p>Thread-safe. Costs: {@code send} is one session read, one append and one publish; delivery is
 * O(participants) per message and node, with one store read only when the session changed.
 * Call {@link #tick()} about once per second (invite expiry, idle timeout, cleanup); several nodes
 * may tick at once.
 */
public final class ChatService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);
    /** Prefix of per-session topics. */
    public static final String SESSION_TOPIC_PREFIX = "vicinity.chat.s.";
    /** Prefix of per-user notice topics. */
    public static final String USER_TOPIC_PREFIX = "vicinity.chat.u.";
    private static final int MAX_CAS_ATTEMPTS = 64;
    /** Most open sessions {@link #attach} returns (and so a {@code welcome} lists). */
    public static final int MAX_ATTACH_VIEWS = 100;

    private final ChatSessionStore sessions;
    private final MessageStore messages;
    private final EventBus bus;
    private final ChatRecipients recipients;
    private final BlockRecorder blocks;
    private final BlockCheck blockCheck;
    private final Clock clock;
    private final VicinityListener listener;
    private final IdGenerator ids;
    private final Duration inviteTimeout;
    private final Duration idleTimeout;
    private final int maxParticipants;
    private final int maxMessageLength;
    private final RateLimit messageRate;
    private final KeyedTokenBuckets<UserId> messageBuckets = new KeyedTokenBuckets<>();
    private final RateLimitStore inviteLimits;
    private final double invitesPerSecond;
    private final int inviteBurst;
    private final int maxPendingInvites;
    private final int historyLimit;
    private final int trimEvery;
    private final int replayPageSize;
    private final Duration typingThrottle;
    private final Duration typingTtl;
    private final int sweepLimit;

    private final Object attachLock = new Object();
    private final Map<UserId, Attachment> attached = new ConcurrentHashMap<>();
    private final Map<SessionId, LocalSession> local = new ConcurrentHashMap<>();
    private final Map<TypingKey, Instant> typingSent = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private record TypingKey(SessionId session, UserId user) {}

    /** A user attached on this node: how many times, and its notice subscription. */
    private static final class Attachment {
        int count;
        Subscription subscription;
        final Set<SessionId> sessions = new HashSet<>();
    }

    /** This node's view of one session with at least one locally attached participant. */
    private final class LocalSession {
        final SessionId id;
        final String topic;
        Subscription subscription;
        ChatSession snapshot;
        long delivered = -1;
        boolean closed;
        final Map<UserId, Instant> typing = new HashMap<>();

        LocalSession(SessionId id) {
            this.id = id;
            this.topic = SESSION_TOPIC_PREFIX + id.value();
        }

        void onEvent(byte[] payload) {
            byte type = BusCodec.type(payload);
            switch (type) {
                case BusCodec.MESSAGE -> onMessage(this, payload);
                case BusCodec.SESSION -> sessionChanged(id, BusCodec.version(payload), null);
                case BusCodec.TYPING -> onTyping(this, payload);
                case BusCodec.READ -> onRead(this, payload);
                case BusCodec.PRESENCE -> onPresence(this, payload);
                default -> LOG.warn("chat: unknown payload type {} on {}", type, topic);
            }
        }
    }

    private ChatService(Builder b) {
        this.sessions = b.sessions;
        this.messages = b.messages;
        this.bus = b.bus;
        this.recipients = b.recipients;
        this.blocks = b.blocks;
        this.blockCheck = b.blockCheck;
        this.clock = b.clock;
        this.listener = VicinityListener.isolating(b.listener);
        this.ids = new IdGenerator(clock);
        this.inviteTimeout = b.inviteTimeout;
        this.idleTimeout = b.idleTimeout;
        this.maxParticipants = b.maxParticipants;
        this.maxMessageLength = b.maxMessageLength;
        this.messageRate = b.ratePerSecond > 0 ? new RateLimit(b.ratePerSecond, b.rateBurst) : null;
        this.inviteLimits = b.rateLimitStore != null ? b.rateLimitStore : new LocalRateLimitStore();
        this.invitesPerSecond = b.invitesPerMinute / 60.0;
        this.inviteBurst = b.inviteBurst;
        this.maxPendingInvites = b.maxPendingInvites;
        this.historyLimit = b.historyLimit;
        this.trimEvery = Math.max(1, b.historyLimit / 8);
        this.replayPageSize = b.replayPageSize;
        this.typingThrottle = b.typingThrottle;
        this.typingTtl = b.typingTtl;
        this.sweepLimit = b.sweepLimit;
    }

    /**
     * Starts a builder. All four collaborators are required: the shared stores, the bus connecting
     * the nodes, and this node's view of its connections.
     */
    public static Builder builder(ChatSessionStore sessions, MessageStore messages, EventBus bus,
            ChatRecipients recipients) {
        return new Builder(sessions, messages, bus, recipients);
    }

    /** The clock every timestamp and timeout of this service uses. */
    public Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Creates a session {@code INVITED} by {@code inviter} (who is {@code JOINED}) for
     * {@code invitees} (who are {@code INVITED}); it expires after the invite timeout unless someone
     * accepts. Notifies the invitees' nodes.
     *
     * @throws InvalidInputException {@code invalid_participants} if the invitees are empty, contain
     *     the inviter or a duplicate, or exceed {@code maxParticipants - 1}
     */
    public ChatSession invite(UserId inviter, Collection<UserId> invitees) {
        Objects.requireNonNull(inviter, "inviter");
        Objects.requireNonNull(invitees, "invitees");
        Set<UserId> unique = new LinkedHashSet<>();
        for (UserId u : invitees) {
            Objects.requireNonNull(u, "invitee");
            if (u.equals(inviter) || !unique.add(u)) {
                throw new InvalidInputException(ChatErrors.INVALID_PARTICIPANTS,
                        "invitees must be distinct and must not include the inviter");
            }
        }
        if (unique.isEmpty() || unique.size() > maxParticipants - 1) {
            throw new InvalidInputException(ChatErrors.INVALID_PARTICIPANTS,
                    "a session needs 1.." + (maxParticipants - 1) + " invitees, got " + unique.size());
        }
        for (UserId u : unique) {
            if (blockCheck.blocks(inviter, u)) {
                throw new VicinityException(ChatErrors.USER_BLOCKED, "you blocked " + u + "; unblock first");
            }
        }
        Instant now = clock.instant();
        Duration wait = inviteLimits.tryAcquire("chat.invite:" + inviter.value(), invitesPerSecond, inviteBurst, now);
        if (!wait.isZero()) {
            throw new RateLimitedException("too many invites from this user", wait);
        }
        for (UserId u : unique) {
            int pending = 0;
            for (ChatSession open : sessions.openSessionsOf(u)) {
                if (open.state() == ChatSessionState.INVITED && !open.inviter().equals(u)
                        && open.participant(u).map(p -> p.state() == MemberState.INVITED).orElse(false)) {
                    pending++;
                }
            }
            if (pending >= maxPendingInvites) {
                throw new VicinityException(ChatErrors.TOO_MANY_INVITES,
                        u + " has too many pending invites; try again later");
            }
        }
        List<Participant> ps = new ArrayList<>();
        ps.add(new Participant(inviter, MemberState.JOINED, 0, now));
        for (UserId u : unique) {
            ps.add(new Participant(u, MemberState.INVITED, 0, now));
        }
        ChatSession s = new ChatSession(ids.sessionId(), ChatSessionState.INVITED, null, inviter, ps, now, null,
                null, now.plus(inviteTimeout), 1);
        if (!sessions.insert(s)) {
            throw new IllegalStateException("session id collision: " + s.id());
        }
        listener.onChatSessionChanged(s.id(), null, s.state().wireName(), null);
        LOG.debug("chat session {} invited by {} ({} invitees)", s.id(), inviter, unique.size());
        announce(s);
        return s;
    }

    /**
     * {@code user}, an invitee, accepts: {@code INVITED → ACTIVE} for the first accept (the idle clock
     * starts), or joins a running group session. Refused with {@code not_participant},
     * {@code illegal_transition} (already joined, left, or session not open) or {@code unknown_session}.
     */
    public ActionResult accept(SessionId id, UserId user) {
        Objects.requireNonNull(user, "user");
        return change(id, (s, now) -> {
            Participant p = s.participant(user).orElse(null);
            if (p == null) {
                return notParticipant(user);
            }
            if (hiddenFrom(s, user)) {
                return unknown(id);
            }
            if (p.state() != MemberState.INVITED) {
                return illegal("member is " + p.state());
            }
            List<Participant> ps = member(s, user, MemberEvent.JOIN, now);
            if (s.state() == ChatSessionState.ACTIVE) {
                return new ActionResult.Done(s.withParticipants(ps).next(s.state(), null, s.activatedAt(), null,
                        s.timeoutAt()));
            }
            return move(s, new ChatSessionEvent.Accept(), now, ps);
        });
    }

    /**
     * {@code user}, an invitee, declines. When nobody is left to accept, {@code INVITED → DECLINED};
     * in a group with other pending invitees only the member becomes {@code LEFT}.
     */
    public ActionResult decline(SessionId id, UserId user) {
        Objects.requireNonNull(user, "user");
        return change(id, (s, now) -> declineDecision(s, user, now));
    }

    /** The inviter withdraws the invite: {@code INVITED → CANCELLED}. Others get {@code not_allowed}. */
    public ActionResult cancel(SessionId id, UserId user) {
        Objects.requireNonNull(user, "user");
        return change(id, (s, now) -> {
            if (s.participant(user).isEmpty()) {
                return notParticipant(user);
            }
            if (!s.inviter().equals(user)) {
                return new ActionResult.Refused(ChatErrors.NOT_ALLOWED, "only the inviter cancels");
            }
            return move(s, new ChatSessionEvent.Cancel(), now, s.participants());
        });
    }

    /**
     * {@code user} leaves. While {@code INVITED} this is a cancel (inviter) or decline (invitee).
     * While {@code ACTIVE} the member becomes {@code LEFT}; when fewer than two members remain joined
     * the session moves to {@code ENDED{left}}. From the moment this returns, no message sent
     * afterwards reaches {@code user}, on any node.
     */
    public ActionResult leave(SessionId id, UserId user) {
        Objects.requireNonNull(user, "user");
        return change(id, (s, now) -> leaveDecision(s, user, now, EndReason.LEFT));
    }

    /**
     * {@code blocker} blocks {@code blocked}, both participants of {@code id}. The block is recorded
     * through the {@link BlockRecorder} first (so it is visible to matching even if the session
     * already ended); then an {@code ACTIVE} session ends with {@code blocked} and both users become
     * {@code LEFT} (nothing more reaches either of them), and an {@code INVITED} one is left by the
     * blocker (cancel or decline). For a session already over, the unchanged session is returned.
     *
     * @throws InvalidInputException {@code invalid_participants} if a user blocks themselves
     */
    public ActionResult block(SessionId id, UserId blocker, UserId blocked) {
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(blocked, "blocked");
        if (blocker.equals(blocked)) {
            throw new InvalidInputException(ChatErrors.INVALID_PARTICIPANTS, "a user cannot block themselves");
        }
        ChatSession s0 = sessions.find(id).orElse(null);
        if (s0 == null) {
            return unknown(id);
        }
        if (s0.participant(blocker).isEmpty() || s0.participant(blocked).isEmpty()) {
            return new ActionResult.Refused(ChatErrors.NOT_PARTICIPANT, "both users must be participants");
        }
        blocks.record(blocker, blocked);
        return change(id, (s, now) -> blockDecision(s, blocker, blocked, now));
    }

    private ActionResult blockDecision(ChatSession s, UserId blocker, UserId blocked, Instant now) {
        if (s.state() == ChatSessionState.INVITED) {
            return leaveDecision(s, blocker, now, EndReason.BLOCKED);
        }
        if (s.state() != ChatSessionState.ACTIVE) {
            return new ActionResult.Done(s);
        }
        List<Participant> ps = new ArrayList<>(s.participants().size());
        for (Participant p : s.participants()) {
            boolean hit = p.user().equals(blocker) || p.user().equals(blocked);
            MemberState to = hit ? ChatSessionMachine.memberTransition(p.state(), MemberEvent.LEAVE).orElse(null)
                    : null;
            ps.add(to != null ? p.withState(to, now) : p);
        }
        return move(s, new ChatSessionEvent.End(EndReason.BLOCKED), now, ps);
    }

    /** Ends a session by moderation: {@code ACTIVE → ENDED{moderated}}, or {@code INVITED → CANCELLED}. */
    public ActionResult moderate(SessionId id) {
        return change(id, (s, now) -> s.state() == ChatSessionState.INVITED
                ? move(s, new ChatSessionEvent.Cancel(), now, s.participants())
                : move(s, new ChatSessionEvent.End(EndReason.MODERATED), now, s.participants()));
    }

    /**
     * {@code blocker} blocked {@code blocked} outside a chat (e.g. from the nearby list): every open
     * session the two share ends as by {@link #block} (an {@code ACTIVE} one with {@code blocked}, an
     * invite is cancelled or declined), without recording the block again. Call it after recording
     * the block in the block list.
     *
     * @return number of sessions this call moved
     */
    public int onBlocked(UserId blocker, UserId blocked) {
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(blocked, "blocked");
        int n = 0;
        for (ChatSession open : sessions.openSessionsOf(blocker)) {
            if (open.participant(blocked).isEmpty()) {
                continue;
            }
            ActionResult r = change(open.id(), (s, now) -> blockDecision(s, blocker, blocked, now));
            if (r instanceof ActionResult.Done d && d.session().version() != open.version()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether {@code viewer} must not be shown {@code s}: an invite the viewer never accepted
     * (pending, or expired, cancelled or declined without ever becoming active) from an inviter the
     * viewer has blocked. Such an invite reaches the viewer nowhere (no push, not
     * listed on attach, {@code unknown_session} if acted on) and simply expires, so the blocked inviter
     * cannot tell it apart from an ignored invite. One {@link BlockCheck} call for such a viewer.
     */
    public boolean hiddenFrom(ChatSession s, UserId viewer) {
        if (s.inviter().equals(viewer)) {
            return false;
        }
        Participant p = s.participant(viewer).orElse(null);
        boolean neverJoined = p != null && (p.state() == MemberState.INVITED
                || (p.state() == MemberState.LEFT && s.activatedAt() == null));
        return neverJoined && blockCheck.blocks(viewer, s.inviter());
    }

    /**
     * The end reason {@code viewer} is shown for {@code s}: a session ended by a block reads as
     * {@code left} to everyone except a participant who blocked another one, so the blocked user does
     * not learn of the block. Null when the session has not ended.
     */
    public EndReason endReasonShownTo(ChatSession s, UserId viewer) {
        EndReason r = s.endReason();
        if (r != EndReason.BLOCKED) {
            return r;
        }
        for (Participant p : s.participants()) {
            if (!p.user().equals(viewer) && blockCheck.blocks(viewer, p.user())) {
                return r;
            }
        }
        return EndReason.LEFT;
    }

    /**
     * {@code user} lost its last connection on this node and may resume ({@code away = true}), or is
     * connected again ({@code away = false}; {@link #attach} does this itself): the other joined members of every {@code ACTIVE} session
     * of the user, on every node, get a {@link ChatEvent.MemberPresence}. Sessions stay {@code ACTIVE}
     * while a member is away. One store query plus one publish per active session.
     */
    public void memberPresence(UserId user, boolean away) {
        Objects.requireNonNull(user, "user");
        for (ChatSession s : sessions.openSessionsOf(user)) {
            if (s.state() == ChatSessionState.ACTIVE && s.isJoined(user)) {
                publish(sessionTopic(s.id()), BusCodec.presence(s.version(), user, away));
            }
        }
    }

    /** The invite timeout in force. */
    public Duration inviteTimeout() {
        return inviteTimeout;
    }

    /** The idle timeout in force. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The maximum message length, in Unicode code points. */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    /** The maximum number of participants of a session, the inviter included. */
    public int maxParticipants() {
        return maxParticipants;
    }

    /**
     * {@code user} is gone (presence reported them offline after the grace period): every
     * {@code ACTIVE} session where they are joined ends with {@code peer_gone}, and invites they made
     * are cancelled. Invites they received are left to expire.
     *
     * @return number of sessions this call moved
     */
    public int peerGone(UserId user) {
        Objects.requireNonNull(user, "user");
        int n = 0;
        for (ChatSession open : sessions.openSessionsOf(user)) {
            ActionResult r = change(open.id(), (s, now) -> {
                if (s.state() == ChatSessionState.ACTIVE && s.isJoined(user)) {
                    return move(s, new ChatSessionEvent.End(EndReason.PEER_GONE), now, s.participants());
                }
                if (s.state() == ChatSessionState.INVITED && s.inviter().equals(user)) {
                    return move(s, new ChatSessionEvent.Cancel(), now, s.participants());
                }
                return new ActionResult.Refused(ChatErrors.ILLEGAL_TRANSITION, "nothing to end");
            });
            if (r.done()) {
                n++;
            }
        }
        return n;
    }

    /** Convenience for wiring {@code PresenceService.subscribe(chat::onPresenceChange)}: offline → {@link #peerGone}. */
    public void onPresenceChange(PresenceChange change) {
        if (!change.online()) {
            peerGone(change.user());
        }
    }

    /** The stored session, or empty. One store read. */
    public java.util.Optional<ChatSession> session(SessionId id) {
        return sessions.find(id);
    }

    // ------------------------------------------------------------------ messages

    /**
     * Stores {@code text} from {@code sender} under {@code clientId} and fans it out. Order of checks:
     * text (exception), rate limit (exception), session and membership (refusal), then one atomic
     * append. A repeated (session, sender, client id) stores nothing and returns the original
     * message with {@code duplicate = true} (and publishes it again, receivers drop the duplicate).
     * Nothing is stored on any refusal or exception. If publishing fails the message stays stored and
     * reaches clients through gap recovery or resume.
     *
     * @throws InvalidInputException {@code empty_message} or {@code message_too_large}
     * @throws RateLimitedException {@code rate_limited}
     */
    public SendResult send(SessionId id, UserId sender, MessageId clientId, String text) {
        Objects.requireNonNull(id, "session");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clientId, "clientId");
        if (text == null || text.isBlank()) {
            listener.onMessageRejected(id, sender, ChatErrors.EMPTY_MESSAGE);
            throw new InvalidInputException(ChatErrors.EMPTY_MESSAGE, "message text must not be empty");
        }
        int codePoints = text.length() <= maxMessageLength ? text.length() : text.codePointCount(0, text.length());
        if (codePoints > maxMessageLength) {
            listener.onMessageRejected(id, sender, ChatErrors.MESSAGE_TOO_LARGE);
            throw new InvalidInputException(ChatErrors.MESSAGE_TOO_LARGE,
                    "message has " + codePoints + " characters (code points), the limit is " + maxMessageLength);
        }
        Instant now = clock.instant();
        if (messageRate != null) {
            long waitNanos = messageBuckets.tryAcquire(sender, messageRate, TokenBucket.nanos(now));
            if (waitNanos > 0) {
                listener.onMessageRejected(id, sender, ChatErrors.RATE_LIMITED);
                throw new RateLimitedException("too many messages from this user", Duration.ofNanos(waitNanos));
            }
        }
        ChatSession s = sessions.find(id).orElse(null);
        String code = null;
        String reason = null;
        if (s == null) {
            code = ChatErrors.UNKNOWN_SESSION;
            reason = "no session " + id;
        } else if (s.participant(sender).isEmpty()) {
            code = ChatErrors.NOT_PARTICIPANT;
            reason = "sender is not a participant";
        } else if (s.state() != ChatSessionState.ACTIVE) {
            code = ChatErrors.SESSION_NOT_ACTIVE;
            reason = "session is " + s.state().wireName();
        } else if (!s.isJoined(sender)) {
            code = ChatErrors.NOT_JOINED;
            reason = "sender is not joined";
        }
        if (code != null) {
            listener.onMessageRejected(id, sender, code);
            return new SendResult.Refused(code, reason);
        }
        AppendResult r = messages.append(id, sender, clientId, text, now);
        ChatMessage m = r.message();
        if (r.created()) {
            listener.onMessageStored(id, m.sequence());
            if (historyLimit > 0 && m.sequence() > historyLimit && m.sequence() % trimEvery == 0) {
                messages.trim(id, m.sequence() - historyLimit);
            }
        }
        publish(sessionTopic(id), BusCodec.message(s.version(), m));
        return new SendResult.Stored(m, !r.created());
    }

    // ------------------------------------------------------------------ typing and read markers

    /**
     * {@code user} is typing in {@code id}. Throttled per (session, user): at most one indicator per
     * typing-throttle interval is published; each expires by itself after the typing TTL.
     *
     * @return true if an indicator was published; false if throttled or the user may not type here
     */
    public boolean typing(SessionId id, UserId user) {
        Instant now = clock.instant();
        TypingKey key = new TypingKey(id, user);
        Instant last = typingSent.get(key);
        if (last != null && now.isBefore(last.plus(typingThrottle))) {
            return false;
        }
        ChatSession s = sessions.find(id).orElse(null);
        if (s == null || s.state() != ChatSessionState.ACTIVE || !s.isJoined(user)) {
            return false;
        }
        typingSent.put(key, now);
        publish(SESSION_TOPIC_PREFIX + id.value(), BusCodec.typing(s.version(), user, now.plus(typingTtl)));
        return true;
    }

    /** Users whose typing indicator in {@code id} has not expired, as seen by this node. O(typers). */
    public Set<UserId> typingUsers(SessionId id) {
        LocalSession ls = local.get(id);
        if (ls == null) {
            return Set.of();
        }
        Instant now = clock.instant();
        synchronized (ls) {
            ls.typing.values().removeIf(exp -> !exp.isAfter(now));
            return Set.copyOf(ls.typing.keySet());
        }
    }

    /**
     * Moves {@code user}'s read marker to {@code sequence} (clamped to the current top; markers never
     * move back). Other members' connections get a {@link ChatEvent.ReadMarker}.
     *
     * @throws InvalidInputException {@code invalid_sequence} if {@code sequence} is negative
     */
    public ActionResult markRead(SessionId id, UserId user, long sequence) {
        Objects.requireNonNull(user, "user");
        if (sequence < 0) {
            throw new InvalidInputException(ChatErrors.INVALID_SEQUENCE, "sequence must be >= 0");
        }
        long target = Math.min(sequence, messages.bounds(id).top());
        boolean[] advanced = new boolean[1];
        ActionResult r = change(id, (s, now) -> {
            Participant p = s.participant(user).orElse(null);
            if (p == null) {
                return notParticipant(user);
            }
            if (p.state() != MemberState.JOINED) {
                return new ActionResult.Refused(ChatErrors.NOT_JOINED, "member is " + p.state());
            }
            if (target <= p.lastRead()) {
                advanced[0] = false;
                return new ActionResult.Done(s);
            }
            advanced[0] = true;
            return new ActionResult.Done(s.withParticipant(user, q -> q.withLastRead(target)));
        });
        if (r instanceof ActionResult.Done d && advanced[0]) {
            publish(SESSION_TOPIC_PREFIX + id.value(),
                    BusCodec.read(d.session().version(), user, d.session().participant(user).orElseThrow().lastRead()));
        }
        return r;
    }

    /** {@code top - lastRead} for {@code user}; empty if the session is unknown or they are not a participant. */
    public OptionalLong unread(SessionId id, UserId user) {
        ChatSession s = sessions.find(id).orElse(null);
        Participant p = s == null ? null : s.participant(user).orElse(null);
        if (p == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, messages.bounds(id).top() - p.lastRead()));
    }

    // ------------------------------------------------------------------ attach, detach, resume

    /**
     * {@code user} has a connection on this node (call after each authentication or resume; pair each
     * call with {@link #detach}). Subscribes this node to the user's notices and open sessions and
     * returns each open session with its current top sequence (0 when empty), read marker and unread
     * count. The other joined members of the user's active sessions get a
     * {@link ChatEvent.MemberPresence} (online), the counterpart of {@link #memberPresence} away.
     * Cost: one store query, one bounds read per listed session, one publish per active session.
     */
    public List<SessionView> attach(UserId user) {
        Objects.requireNonNull(user, "user");
        synchronized (attachLock) {
            Attachment a = attached.get(user);
            if (a == null) {
                a = new Attachment();
                a.subscription = bus.subscribe(USER_TOPIC_PREFIX + user.value(), (t, p) -> onNotice(p));
                attached.put(user, a);
            }
            a.count++;
        }
        List<ChatSession> open = ordered(sessions.openSessionsOf(user));
        List<SessionView> views = new ArrayList<>();
        for (ChatSession s : open) {
            if (s.state() == ChatSessionState.ACTIVE && s.isJoined(user)) {
                // The other members learn the user is connected (again): chat.presence "online".
                publish(sessionTopic(s.id()), BusCodec.presence(s.version(), user, false));
            }
            // Every open session is followed on this node; at most MAX_ATTACH_VIEWS are listed.
            ChatSession cur = ensureLocal(s);
            Participant p = cur.participant(user).orElse(null);
            if (p == null || hiddenFrom(cur, user) || views.size() >= MAX_ATTACH_VIEWS) {
                continue;
            }
            long top = messages.bounds(s.id()).top();
            views.add(new SessionView(cur, top, p.lastRead(), Math.max(0, top - p.lastRead())));
        }
        return List.copyOf(views);
    }

    /**
     * One page of {@code user}'s open sessions in the order {@link #attach} lists them (active first,
     * then the newest invites; hidden invites left out): at most {@code limit} from position
     * {@code offset}. Cost: one store query plus one bounds read per returned session.
     */
    public List<SessionView> openSessions(UserId user, int offset, int limit) {
        Objects.requireNonNull(user, "user");
        if (offset < 0 || limit < 1) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "offset must be >= 0 and limit >= 1");
        }
        List<SessionView> views = new ArrayList<>();
        int index = 0;
        for (ChatSession s : ordered(sessions.openSessionsOf(user))) {
            Participant p = s.participant(user).orElse(null);
            if (p == null || hiddenFrom(s, user)) {
                continue;
            }
            if (index++ < offset) {
                continue;
            }
            if (views.size() == limit) {
                break;
            }
            long top = messages.bounds(s.id()).top();
            views.add(new SessionView(s, top, p.lastRead(), Math.max(0, top - p.lastRead())));
        }
        return List.copyOf(views);
    }

    /** Active sessions first, then invites, newest first, ties by id: a stable listing order. */
    private static List<ChatSession> ordered(Collection<ChatSession> open) {
        List<ChatSession> list = new ArrayList<>(open);
        list.sort(java.util.Comparator.comparing((ChatSession s) -> s.state() != ChatSessionState.ACTIVE)
                .thenComparing(ChatSession::createdAt, java.util.Comparator.reverseOrder())
                .thenComparing(s -> s.id().value()));
        return list;
    }

    /**
     * One connection of {@code user} on this node is gone. When the last one goes, the node drops the
     * user's subscriptions and every session subscription no other attached participant needs.
     */
    public void detach(UserId user) {
        Objects.requireNonNull(user, "user");
        synchronized (attachLock) {
            Attachment a = attached.get(user);
            if (a == null || --a.count > 0) {
                return;
            }
            attached.remove(user);
            a.subscription.close();
            for (SessionId sid : a.sessions) {
                LocalSession ls = local.get(sid);
                if (ls != null && !anyAttached(ls)) {
                    releaseLocked(ls);
                }
            }
        }
    }

    /**
     * A client of {@code user} reconnected and last saw {@code lastSequence} of {@code id}. If history
     * still holds everything after it, returns {@link ChatResume.Recovered} with a cursor that replays
     * the range in pages of the configured size; otherwise {@link ChatResume.Reload} (the client must
     * reload). Register the connection with {@link ChatRecipients} (and {@link #attach}) first.
     *
     * @throws InvalidInputException {@code invalid_sequence} if {@code lastSequence} is negative
     */
    public ChatResume resume(SessionId id, UserId user, long lastSequence) {
        Objects.requireNonNull(id, "session");
        Objects.requireNonNull(user, "user");
        if (lastSequence < 0) {
            throw new InvalidInputException(ChatErrors.INVALID_SEQUENCE, "lastSequence must be >= 0");
        }
        ChatSession s = sessions.find(id).orElse(null);
        if (s == null) {
            return new ChatResume.Refused(id, ChatErrors.UNKNOWN_SESSION, "no session " + id);
        }
        Participant p = s.participant(user).orElse(null);
        if (p == null) {
            return new ChatResume.Refused(id, ChatErrors.NOT_PARTICIPANT, "not a participant");
        }
        if (p.state() != MemberState.JOINED) {
            return new ChatResume.Refused(id, ChatErrors.NOT_JOINED, "member is " + p.state());
        }
        HistoryBounds b = messages.bounds(id);
        if (!b.canReplayAfter(lastSequence)) {
            listener.onMessagesReplayed(id, 0, false);
            return new ChatResume.Reload(id, b.top(), b.oldestRetained());
        }
        return new ChatResume.Recovered(id, lastSequence, b.top(),
                new ReplayCursor(sessions, messages, listener, id, user, lastSequence, b.top(), replayPageSize));
    }

    // ------------------------------------------------------------------ maintenance

    /**
     * Expires invites and ends idle sessions whose deadline passed (at most the sweep limit per call),
     * extends deadlines of sessions that had traffic, and drops expired typing and rate-limit state.
     * Safe to call on several nodes at once (each session move is a compare-and-set).
     */
    public ChatTick tick() {
        Instant now = clock.instant();
        int expired = 0;
        int idle = 0;
        int extended = 0;
        for (SessionId id : sessions.due(now, sweepLimit)) {
            ActionResult r = change(id, (s, n) -> {
                if (s.timeoutAt() == null || s.timeoutAt().isAfter(now)) {
                    return new ActionResult.Refused(ChatErrors.ILLEGAL_TRANSITION, "not due");
                }
                if (s.state() == ChatSessionState.INVITED) {
                    return move(s, new ChatSessionEvent.ExpireInvite(), n, s.participants());
                }
                Instant lastActivity = s.activatedAt();
                Instant lastMessage = messages.bounds(id).lastAppendedAt();
                if (lastMessage != null && (lastActivity == null || lastMessage.isAfter(lastActivity))) {
                    lastActivity = lastMessage;
                }
                Instant deadline = lastActivity == null ? now : lastActivity.plus(idleTimeout);
                if (deadline.isAfter(now)) {
                    return new ActionResult.Done(s.withTimeoutAt(deadline));
                }
                return move(s, new ChatSessionEvent.End(EndReason.IDLE_TIMEOUT), n, s.participants());
            });
            if (r instanceof ActionResult.Done d) {
                if (d.session().state() == ChatSessionState.EXPIRED) {
                    expired++;
                } else if (d.session().state() == ChatSessionState.ENDED) {
                    idle++;
                } else {
                    extended++;
                }
            }
        }
        typingSent.entrySet().removeIf(e -> !now.isBefore(e.getValue().plus(typingThrottle)));
        if (messageRate != null) {
            messageBuckets.purgeFull(TokenBucket.nanos(now));
        }
        return new ChatTick(expired, idle, extended);
    }

    /** Number of sessions this node is subscribed to (for leak checks and gauges). */
    public int localSessionCount() {
        return local.size();
    }

    /** Number of users attached on this node. */
    public int attachedUserCount() {
        return attached.size();
    }

    /** Closes every subscription of this node. Idempotent; the stores are left untouched. */
    @Override
    public void close() {
        synchronized (attachLock) {
            closed = true;
            for (Attachment a : attached.values()) {
                a.subscription.close();
            }
            attached.clear();
            for (LocalSession ls : new ArrayList<>(local.values())) {
                releaseLocked(ls);
            }
        }
    }

    // ------------------------------------------------------------------ decisions

    @FunctionalInterface
    private interface Decider {
        /** Done(candidate) to store the candidate (or Done(current) for "nothing to do"), Refused to stop. */
        ActionResult decide(ChatSession current, Instant now);
    }

    /** The only place sessions change: read, decide, compare-and-set, retry on a lost race. */
    private ActionResult change(SessionId id, Decider decider) {
        Objects.requireNonNull(id, "session");
        for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
            ChatSession current = sessions.find(id).orElse(null);
            if (current == null) {
                return unknown(id);
            }
            ActionResult r = decider.decide(current, clock.instant());
            if (!(r instanceof ActionResult.Done d) || d.session() == current) {
                return r;
            }
            if (sessions.compareAndSet(current.version(), d.session())) {
                afterChange(current, d.session());
                return r;
            }
        }
        LOG.warn("chat session {}: gave up after {} compare-and-set conflicts", id, MAX_CAS_ATTEMPTS);
        return new ActionResult.Refused(ChatErrors.ILLEGAL_TRANSITION, "too many concurrent changes; retry");
    }

    private ActionResult move(ChatSession s, ChatSessionEvent event, Instant now, List<Participant> ps) {
        SessionTransition t = ChatSessionMachine.transition(s.state(), event);
        if (!(t instanceof SessionTransition.Moved m)) {
            return illegal(((SessionTransition.Rejected) t).reason());
        }
        ChatSession next = switch (m.to()) {
            case ACTIVE -> s.withParticipants(ps).next(m.to(), null, now, null, now.plus(idleTimeout));
            default -> s.withParticipants(ps).next(m.to(), m.reason(), s.activatedAt(), now, null);
        };
        return new ActionResult.Done(next);
    }

    private ActionResult declineDecision(ChatSession s, UserId user, Instant now) {
        Participant p = s.participant(user).orElse(null);
        if (p == null) {
            return notParticipant(user);
        }
        if (hiddenFrom(s, user)) {
            return unknown(s.id());
        }
        if (s.inviter().equals(user)) {
            return new ActionResult.Refused(ChatErrors.NOT_ALLOWED, "the inviter cancels instead of declining");
        }
        if (p.state() != MemberState.INVITED || s.state().isTerminal()) {
            return illegal("member is " + p.state() + " in a " + s.state().wireName() + " session");
        }
        List<Participant> ps = member(s, user, MemberEvent.LEAVE, now);
        ChatSession candidate = s.withParticipants(ps);
        if (s.state() == ChatSessionState.INVITED && candidate.pendingCount() == 0 && candidate.joinedCount() < 2) {
            return move(s, new ChatSessionEvent.Decline(), now, ps);
        }
        return new ActionResult.Done(candidate.next(s.state(), null, s.activatedAt(), null, s.timeoutAt()));
    }

    private ActionResult leaveDecision(ChatSession s, UserId user, Instant now, EndReason reason) {
        Participant p = s.participant(user).orElse(null);
        if (p == null) {
            return notParticipant(user);
        }
        if (s.state() == ChatSessionState.INVITED) {
            return s.inviter().equals(user)
                    ? move(s, new ChatSessionEvent.Cancel(), now, member(s, user, MemberEvent.LEAVE, now))
                    : declineDecision(s, user, now);
        }
        if (s.state() != ChatSessionState.ACTIVE) {
            return illegal("session is " + s.state().wireName());
        }
        if (p.state() == MemberState.INVITED) {
            return declineDecision(s, user, now);
        }
        if (p.state() != MemberState.JOINED) {
            return illegal("member is " + p.state());
        }
        List<Participant> ps = member(s, user, MemberEvent.LEAVE, now);
        ChatSession candidate = s.withParticipants(ps);
        if (candidate.joinedCount() < 2) {
            return move(s, new ChatSessionEvent.End(reason), now, ps);
        }
        return new ActionResult.Done(candidate.next(s.state(), null, s.activatedAt(), null, s.timeoutAt()));
    }

    /** Participants with {@code user} moved by {@code event}; unchanged if the member move is not legal. */
    private static List<Participant> member(ChatSession s, UserId user, MemberEvent event, Instant now) {
        List<Participant> ps = new ArrayList<>(s.participants().size());
        for (Participant p : s.participants()) {
            if (p.user().equals(user)) {
                MemberState to = ChatSessionMachine.memberTransition(p.state(), event).orElse(null);
                ps.add(to != null ? p.withState(to, now) : p);
            } else {
                ps.add(p);
            }
        }
        return ps;
    }

    private static ActionResult unknown(SessionId id) {
        return new ActionResult.Refused(ChatErrors.UNKNOWN_SESSION, "no session " + id);
    }

    private static ActionResult notParticipant(UserId user) {
        return new ActionResult.Refused(ChatErrors.NOT_PARTICIPANT, user + " is not a participant");
    }

    private static ActionResult illegal(String reason) {
        return new ActionResult.Refused(ChatErrors.ILLEGAL_TRANSITION, reason);
    }

    private void afterChange(ChatSession before, ChatSession after) {
        if (before.state() != after.state()) {
            listener.onChatSessionChanged(after.id(), before.state().wireName(), after.state().wireName(),
                    after.endReason() == null ? null : after.endReason().wireName());
            LOG.debug("chat session {} {} -> {}{}", after.id(), before.state().wireName(), after.state().wireName(),
                    after.endReason() == null ? "" : " (" + after.endReason().wireName() + ")");
        }
        announce(after);
    }

    /** Applies a stored change on this node first (synchronously), then tells the other nodes. */
    private void announce(ChatSession s) {
        sessionChanged(s.id(), s.version(), s);
        publish(SESSION_TOPIC_PREFIX + s.id().value(), BusCodec.session(s.version()));
        byte[] notice = BusCodec.notice(s.id(), s.version());
        for (Participant p : s.participants()) {
            publish(USER_TOPIC_PREFIX + p.user().value(), notice);
        }
    }

    /** The session's topic; reuses the local subscription's string (its hash is cached) when there is one. */
    private String sessionTopic(SessionId id) {
        LocalSession ls = local.get(id);
        return ls != null ? ls.topic : SESSION_TOPIC_PREFIX + id.value();
    }

    private void publish(String topic, byte[] payload) {
        try {
            bus.publish(topic, payload);
        } catch (RuntimeException e) {
            // Stored state is already durable; receivers recover it by sequence or on resume.
            LOG.warn("chat: publish to {} failed; receivers will recover from the store", topic, e);
        }
    }

    // ------------------------------------------------------------------ receiving side

    private void onNotice(byte[] payload) {
        if (BusCodec.type(payload) != BusCodec.NOTICE) {
            return;
        }
        sessionChanged(BusCodec.noticeSession(payload), BusCodec.version(payload), null);
    }

    /**
     * This node learned that {@code id} reached {@code version} (locally, or from the bus). Refreshes
     * the cached snapshot, subscribes to a session new to this node if a participant is attached here,
     * tells local connections, and drops the subscription of a session that is over.
     */
    private void sessionChanged(SessionId id, long version, ChatSession known) {
        LocalSession ls = local.get(id);
        if (ls == null) {
            ChatSession s = known != null && known.version() >= version ? known : sessions.find(id).orElse(null);
            if (s == null) {
                return;
            }
            if (!s.state().isTerminal() && anyAttached(s)) {
                ensureLocal(s);
            }
            deliverChange(null, s);
            return;
        }
        boolean over;
        synchronized (ls) {
            if (ls.closed || version <= ls.snapshot.version()) {
                return;
            }
            ChatSession previous = ls.snapshot;
            ChatSession s = known != null && known.version() >= version ? known : sessions.find(id).orElse(null);
            if (s == null || s.version() <= previous.version()) {
                return;
            }
            ls.snapshot = s;
            deliverChange(previous, s);
            over = s.state().isTerminal();
            if (over) {
                // Drain what was stored before the end, then stop listening.
                catchUpLocked(ls, messages.bounds(id).top());
            }
        }
        if (over) {
            synchronized (attachLock) {
                releaseLocked(ls);
            }
        }
    }

    /** Subscribes this node to {@code s} if needed; returns the freshest snapshot known locally. */
    private ChatSession ensureLocal(ChatSession s) {
        synchronized (attachLock) {
            LocalSession ls = local.get(s.id());
            if (ls == null) {
                if (closed || s.state().isTerminal()) {
                    return s;
                }
                ls = new LocalSession(s.id());
                synchronized (ls) {
                    LocalSession created = ls;
                    ls.subscription = bus.subscribe(ls.topic, (t, p) -> created.onEvent(p));
                    // Read top after subscribing: everything above it arrives on the bus (or as a gap).
                    ls.delivered = messages.bounds(s.id()).top();
                    ChatSession fresh = sessions.find(s.id()).orElse(s);
                    ls.snapshot = fresh.version() >= s.version() ? fresh : s;
                }
                local.put(s.id(), ls);
            }
            for (Participant p : s.participants()) {
                Attachment a = attached.get(p.user());
                if (a != null) {
                    a.sessions.add(s.id());
                }
            }
            synchronized (ls) {
                if (s.version() > ls.snapshot.version()) {
                    ls.snapshot = s;
                }
                return ls.snapshot;
            }
        }
    }

    private boolean anyAttached(ChatSession s) {
        for (Participant p : s.participants()) {
            if (attached.containsKey(p.user())) {
                return true;
            }
        }
        return false;
    }

    private boolean anyAttached(LocalSession ls) {
        ChatSession s;
        synchronized (ls) {
            s = ls.snapshot;
        }
        return anyAttached(s);
    }

    /** Caller holds {@code attachLock}. */
    private void releaseLocked(LocalSession ls) {
        synchronized (ls) {
            if (ls.closed) {
                return;
            }
            ls.closed = true;
            ls.subscription.close();
            for (Participant p : ls.snapshot.participants()) {
                Attachment a = attached.get(p.user());
                if (a != null) {
                    a.sessions.remove(ls.id);
                }
            }
        }
        local.remove(ls.id, ls);
    }

    /**
     * Tells local connections about a new snapshot: every participant not {@code LEFT}, plus those who
     * became {@code LEFT} in this very change (so a leaver learns it left, and nothing after that).
     */
    private void deliverChange(ChatSession previous, ChatSession s) {
        ChatEvent ev = new ChatEvent.SessionChanged(s);
        for (Participant p : s.participants()) {
            boolean justLeft = p.state() == MemberState.LEFT && previous != null
                    && previous.participant(p.user()).map(q -> q.state() != MemberState.LEFT).orElse(false);
            if ((p.state() != MemberState.LEFT || justLeft) && !hiddenFrom(s, p.user())) {
                for (ConnectionId c : recipients.localConnections(p.user())) {
                    recipients.deliver(c, ev);
                }
            }
        }
    }

    private void onMessage(LocalSession ls, byte[] payload) {
        long version = BusCodec.version(payload);
        long seq = BusCodec.sequence(payload);
        synchronized (ls) {
            if (ls.closed || seq <= ls.delivered) {
                return;
            }
            if (version > ls.snapshot.version()) {
                refreshLocked(ls);
            }
            if (seq > ls.delivered + 1) {
                // On failure local members were told to resync; the message in hand still counts.
                catchUpLocked(ls, seq - 1);
            }
            deliverLocked(ls, BusCodec.decodeMessage(ls.id, payload));
        }
    }

    private void refreshLocked(LocalSession ls) {
        ChatSession s = sessions.find(ls.id).orElse(null);
        if (s != null && s.version() > ls.snapshot.version()) {
            ChatSession previous = ls.snapshot;
            ls.snapshot = s;
            deliverChange(previous, s);
        }
    }

    /**
     * Delivers (delivered, upTo] from history in pages. Returns false if history no longer has it; then
     * local members are told to resync and the range is skipped.
     */
    private boolean catchUpLocked(LocalSession ls, long upTo) {
        while (ls.delivered < upTo) {
            int limit = (int) Math.min(replayPageSize, upTo - ls.delivered);
            List<ChatMessage> page = messages.range(ls.id, ls.delivered, limit);
            if (page.isEmpty() || page.get(0).sequence() != ls.delivered + 1) {
                listener.onMessagesReplayed(ls.id, 0, false);
                ChatEvent ev = new ChatEvent.ResyncRequired(ls.id, upTo);
                for (Participant p : ls.snapshot.participants()) {
                    if (p.state() == MemberState.JOINED) {
                        for (ConnectionId c : recipients.localConnections(p.user())) {
                            recipients.deliver(c, ev);
                        }
                    }
                }
                ls.delivered = upTo;
                return false;
            }
            for (ChatMessage m : page) {
                if (m.sequence() > upTo) {
                    break;
                }
                deliverLocked(ls, m);
            }
            listener.onMessagesReplayed(ls.id, page.size(), true);
        }
        return true;
    }

    private void deliverLocked(LocalSession ls, ChatMessage m) {
        ChatEvent ev = new ChatEvent.NewMessage(m);
        int n = 0;
        for (Participant p : ls.snapshot.participants()) {
            if (p.state() == MemberState.JOINED) {
                for (ConnectionId c : recipients.localConnections(p.user())) {
                    recipients.deliver(c, ev);
                    n++;
                }
            }
        }
        ls.delivered = m.sequence();
        Instant now = clock.instant();
        long latency = Math.max(0, (now.getEpochSecond() - m.storedAt().getEpochSecond()) * 1_000_000_000L
                + (now.getNano() - m.storedAt().getNano()));
        listener.onMessageDelivered(ls.id, m.sequence(), n, latency);
    }

    private void onTyping(LocalSession ls, byte[] payload) {
        UserId user = BusCodec.user(payload);
        Instant expiresAt = BusCodec.typingExpiresAt(payload);
        long version = BusCodec.version(payload);
        synchronized (ls) {
            if (ls.closed) {
                return;
            }
            if (version > ls.snapshot.version()) {
                refreshLocked(ls);
            }
            if (!ls.snapshot.isJoined(user)) {
                return;
            }
            ls.typing.merge(user, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
            ChatEvent ev = new ChatEvent.Typing(ls.id, user, expiresAt);
            for (Participant p : ls.snapshot.participants()) {
                if (p.state() == MemberState.JOINED && !p.user().equals(user)) {
                    for (ConnectionId c : recipients.localConnections(p.user())) {
                        recipients.deliver(c, ev);
                    }
                }
            }
        }
    }

    private void onRead(LocalSession ls, byte[] payload) {
        UserId user = BusCodec.user(payload);
        long seq = BusCodec.sequence(payload);
        long version = BusCodec.version(payload);
        synchronized (ls) {
            if (ls.closed) {
                return;
            }
            if (version > ls.snapshot.version()) {
                refreshLocked(ls);
            }
            ChatEvent ev = new ChatEvent.ReadMarker(ls.id, user, seq);
            for (Participant p : ls.snapshot.participants()) {
                if (p.state() == MemberState.JOINED) {
                    for (ConnectionId c : recipients.localConnections(p.user())) {
                        recipients.deliver(c, ev);
                    }
                }
            }
        }
    }

    private void onPresence(LocalSession ls, byte[] payload) {
        UserId user = BusCodec.user(payload);
        boolean away = BusCodec.sequence(payload) == 1;
        synchronized (ls) {
            if (ls.closed || !ls.snapshot.isJoined(user)) {
                return;
            }
            ChatEvent ev = new ChatEvent.MemberPresence(ls.id, user, away);
            for (Participant p : ls.snapshot.participants()) {
                if (p.state() == MemberState.JOINED && !p.user().equals(user)) {
                    for (ConnectionId c : recipients.localConnections(p.user())) {
                        recipients.deliver(c, ev);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ builder

    /** Options for {@link ChatService}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final ChatSessionStore sessions;
        private final MessageStore messages;
        private final EventBus bus;
        private final ChatRecipients recipients;
        private BlockRecorder blocks = BlockRecorder.NONE;
        private BlockCheck blockCheck = BlockCheck.NONE;
        private int invitesPerMinute = 10;
        private int inviteBurst = 10;
        private int maxPendingInvites = 20;
        private RateLimitStore rateLimitStore;
        private Clock clock = Clock.systemUTC();
        private VicinityListener listener = VicinityListener.NO_OP;
        private Duration inviteTimeout = Duration.ofMinutes(2);
        private Duration idleTimeout = Duration.ofMinutes(30);
        private int maxParticipants = 2;
        private int maxMessageLength = 4000;
        private double ratePerSecond = 5;
        private int rateBurst = 20;
        private int historyLimit = 10_000;
        private int replayPageSize = 200;
        private Duration typingThrottle = Duration.ofSeconds(2);
        private Duration typingTtl = Duration.ofSeconds(6);
        private int sweepLimit = 500;

        private Builder(ChatSessionStore sessions, MessageStore messages, EventBus bus, ChatRecipients recipients) {
            this.sessions = Objects.requireNonNull(sessions, "sessions");
            this.messages = Objects.requireNonNull(messages, "messages");
            this.bus = Objects.requireNonNull(bus, "bus");
            this.recipients = Objects.requireNonNull(recipients, "recipients");
        }

        /** Clock for every timestamp, timeout and rate (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Listener for chat events (default: {@link VicinityListener#NO_OP}); wrapped as isolating. */
        public Builder listener(VicinityListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Invites a user may send: {@code perMinute} sustained, {@code burst} at once (default 10 and
         * 10); beyond that {@code invite} throws {@link RateLimitedException}.
         */
        public Builder inviteRate(int perMinute, int burst) {
            this.invitesPerMinute = perMinute;
            this.inviteBurst = burst;
            return this;
        }

        /**
         * Where invite limits are counted (default: a {@link LocalRateLimitStore} of this service, so
         * per node); give every node the same distributed store (e.g. {@code RedisRateLimitStore}) to
         * make the invite limit cluster-wide.
         */
        public Builder rateLimitStore(RateLimitStore store) {
            this.rateLimitStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /** No invite rate limit and no pending-invite cap (tests and benchmarks). */
        public Builder unlimitedInvites() {
            this.invitesPerMinute = 1_000_000;
            this.inviteBurst = 1_000_000;
            this.maxPendingInvites = 1_000_000;
            return this;
        }

        /**
         * Pending invites a user may have received (default 20); an invite to a user who has that many
         * is refused with {@code too_many_invites}.
         */
        public Builder maxPendingInvites(int n) {
            this.maxPendingInvites = n;
            return this;
        }

        /** Who blocked whom, so blocks hold on invites and block-ended sessions (default: {@link BlockCheck#NONE}). */
        public Builder blockCheck(BlockCheck check) {
            this.blockCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /** Where blocks are recorded (default: {@link BlockRecorder#NONE}). */
        public Builder blockRecorder(BlockRecorder blocks) {
            this.blocks = Objects.requireNonNull(blocks, "blocks");
            return this;
        }

        /** How long an invite waits for an accept (default 2 min). */
        public Builder inviteTimeout(Duration d) {
            this.inviteTimeout = d;
            return this;
        }

        /** An active session without messages for this long ends with {@code idle_timeout} (default 30 min). */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        /** Maximum participants per session, inviter included, 2..64 (default 2). */
        public Builder maxParticipants(int n) {
            this.maxParticipants = n;
            return this;
        }

        /** Maximum message length in UTF-16 chars, 1..1,000,000 (default 4000). */
        public Builder maxMessageLength(int n) {
            this.maxMessageLength = n;
            return this;
        }

        /** Per-user, per-node message rate: {@code perSecond} sustained, {@code burst} at once (default 5/s, 20). */
        public Builder messageRate(double perSecond, int burst) {
            this.ratePerSecond = perSecond;
            this.rateBurst = burst;
            return this;
        }

        /** Per-user, per-node message rate (default 5/s, bursts of 20). */
        public Builder messageRate(RateLimit rate) {
            return messageRate(rate.perSecond(), rate.burst());
        }

        /** No message rate limit (benchmarks, trusted hosts). */
        public Builder unlimitedMessageRate() {
            this.ratePerSecond = 0;
            this.rateBurst = 0;
            return this;
        }

        /**
         * Messages kept per session (older ones are trimmed in batches; clients further behind must
         * reload). 0 keeps everything. Default 10,000.
         */
        public Builder historyLimit(int n) {
            this.historyLimit = n;
            return this;
        }

        /** Messages per replay page and per gap-recovery read, 1..10,000 (default 200). */
        public Builder replayPageSize(int n) {
            this.replayPageSize = n;
            return this;
        }

        /** Minimum interval between two typing indicators of one user in one session (default 2 s). */
        public Builder typingThrottle(Duration d) {
            this.typingThrottle = d;
            return this;
        }

        /** How long a typing indicator lasts without a new one; longer than the throttle (default 6 s). */
        public Builder typingTtl(Duration d) {
            this.typingTtl = d;
            return this;
        }

        /** Maximum due sessions handled per {@link ChatService#tick()} (default 500). */
        public Builder sweepLimit(int n) {
            this.sweepLimit = n;
            return this;
        }

        /** @throws InvalidInputException {@code invalid_argument} naming the first bad option */
        public ChatService build() {
            positive("inviteTimeout", inviteTimeout);
            positive("idleTimeout", idleTimeout);
            positive("typingTtl", typingTtl);
            if (typingThrottle == null || typingThrottle.isNegative()) {
                bad("typingThrottle must be >= 0, got " + typingThrottle);
            }
            if (typingTtl.compareTo(typingThrottle) <= 0) {
                bad("typingTtl (" + typingTtl + ") must be longer than typingThrottle (" + typingThrottle
                        + ") or indicators would flicker");
            }
            range("maxParticipants", maxParticipants, 2, 64);
            range("maxMessageLength", maxMessageLength, 1, 1_000_000);
            range("invitesPerMinute", invitesPerMinute, 1, 1_000_000);
            range("inviteBurst", inviteBurst, 1, 1_000_000);
            range("maxPendingInvites", maxPendingInvites, 1, 1_000_000);
            range("replayPageSize", replayPageSize, 1, 10_000);
            range("sweepLimit", sweepLimit, 1, 100_000);
            if (historyLimit < 0) {
                bad("historyLimit must be >= 0 (0 = keep everything), got " + historyLimit);
            }
            if (ratePerSecond != 0 && (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond) || rateBurst < 1)) {
                bad("messageRate needs perSecond > 0 and burst >= 1 (or unlimitedMessageRate()), got "
                        + ratePerSecond + "/s burst " + rateBurst);
            }
            return new ChatService(this);
        }

        private static void positive(String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                bad(name + " must be positive, got " + d);
            }
        }

        private static void range(String name, int v, int min, int max) {
            if (v < min || v > max) {
                bad(name + " must be in " + min + ".." + max + ", got " + v);
            }
        }

        private static void bad(String message) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, message);
        }
    }
}
