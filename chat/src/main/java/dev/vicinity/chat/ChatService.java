package dev.vicinity.chat;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.RateLimitStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

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
 *
 * <h2>Threads</h2>
 * Bus events of a session are handled one at a time, in arrival order, on the delivery executor
 * ({@link Builder#deliveryExecutor}); the bus's own thread only queues them. So a slow store read
 * during gap recovery holds up that one session, not the bus or other sessions. No store call is
 * made while holding a monitor. Changes made through this service are applied to this node's
 * connections before the call returns.
 *
 * <h2>Structure</h2>
 * This class is the facade; the work is done by {@code SessionCommands} (the compare-and-set side),
 * {@code MessageIntake} (send, typing, presence), {@code LocalFanOut} and {@code LocalSession}
 * (node-local delivery and gap recovery) and {@link ReplayCursor} (what a reader has seen and what
 * to fetch next).
 */
public final class ChatService implements AutoCloseable {
    /** Prefix of per-session topics. */
    public static final String SESSION_TOPIC_PREFIX = "vicinity.chat.s.";
    /** Prefix of per-user notice topics. */
    public static final String USER_TOPIC_PREFIX = "vicinity.chat.u.";
    /** Most open sessions {@link #attach} returns (and so a {@code welcome} lists). */
    public static final int MAX_ATTACH_VIEWS = 100;

    private final ChatConfig cfg;
    private final Visibility visibility;
    private final LocalFanOut fanOut;
    private final SessionCommands commands;
    private final MessageIntake intake;
    private final SessionReads reads;
    private final @Nullable ExecutorService ownedExecutor;

    private ChatService(ChatConfig cfg, @Nullable ExecutorService ownedExecutor) {
        this.cfg = cfg;
        this.ownedExecutor = ownedExecutor;
        this.visibility = new Visibility(cfg.blockCheck());
        Publisher publisher = new Publisher(cfg.bus());
        this.fanOut = new LocalFanOut(cfg, visibility, publisher);
        this.commands = new SessionCommands(cfg, visibility, fanOut, publisher);
        this.intake = new MessageIntake(cfg, fanOut, publisher);
        this.reads = new SessionReads(cfg, visibility);
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
        return cfg.clock();
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
        return commands.invite(inviter, invitees);
    }

    /**
     * {@code user}, an invitee, accepts: {@code INVITED → ACTIVE} for the first accept (the idle clock
     * starts), or joins a running group session. Refused with {@code not_participant},
     * {@code illegal_transition} (already joined, left, or session not open) or {@code unknown_session}.
     */
    public ActionResult accept(SessionId id, UserId user) {
        return commands.accept(id, user);
    }

    /**
     * {@code user}, an invitee, declines. When nobody is left to accept, {@code INVITED → DECLINED};
     * in a group with other pending invitees only the member becomes {@code LEFT}.
     */
    public ActionResult decline(SessionId id, UserId user) {
        return commands.decline(id, user);
    }

    /** The inviter withdraws the invite: {@code INVITED → CANCELLED}. Others get {@code not_allowed}. */
    public ActionResult cancel(SessionId id, UserId user) {
        return commands.cancel(id, user);
    }

    /**
     * {@code user} leaves. While {@code INVITED} this is a cancel (inviter) or decline (invitee).
     * While {@code ACTIVE} the member becomes {@code LEFT}; when fewer than two members remain joined
     * the session moves to {@code ENDED{left}}. From the moment this returns, no message sent
     * afterwards reaches {@code user}, on any node.
     */
    public ActionResult leave(SessionId id, UserId user) {
        return commands.leave(id, user);
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
        return commands.block(id, blocker, blocked);
    }

    /** Ends a session by moderation: {@code ACTIVE → ENDED{moderated}}, or {@code INVITED → CANCELLED}. */
    public ActionResult moderate(SessionId id) {
        return commands.moderate(id);
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
        return commands.onBlocked(blocker, blocked);
    }

    /**
     * Whether {@code viewer} must not be shown {@code s}: an invite the viewer never accepted
     * (pending, or expired, cancelled or declined without ever becoming active) from an inviter the
     * viewer has blocked. Such an invite reaches the viewer nowhere (no push, not
     * listed on attach, {@code unknown_session} if acted on) and simply expires, so the blocked inviter
     * cannot tell it apart from an ignored invite. One {@link BlockCheck} call for such a viewer.
     */
    public boolean hiddenFrom(ChatSession s, UserId viewer) {
        return visibility.hiddenFrom(s, viewer);
    }

    /**
     * The end reason {@code viewer} is shown for {@code s}: a session ended by a block reads as
     * {@code left} to everyone except a participant who blocked another one, so the blocked user does
     * not learn of the block. Null when the session has not ended.
     */
    public @Nullable EndReason endReasonShownTo(ChatSession s, UserId viewer) {
        return visibility.endReasonShownTo(s, viewer);
    }

    /**
     * {@code user} lost its last connection on this node and may resume ({@code away = true}), or is
     * connected again ({@code away = false}; {@link #attach} does this itself): the other joined
     * members of every {@code ACTIVE} session of the user, on every node, get a
     * {@link ChatEvent.MemberPresence}. Sessions stay {@code ACTIVE} while a member is away. One
     * store query plus one publish per active session.
     */
    public void memberPresence(UserId user, boolean away) {
        intake.memberPresence(user, away);
    }

    /** The invite timeout in force. */
    public Duration inviteTimeout() {
        return cfg.inviteTimeout();
    }

    /** The idle timeout in force. */
    public Duration idleTimeout() {
        return cfg.idleTimeout();
    }

    /** The maximum message length, in Unicode code points. */
    public int maxMessageLength() {
        return cfg.maxMessageLength();
    }

    /** The maximum number of participants of a session, the inviter included. */
    public int maxParticipants() {
        return cfg.maxParticipants();
    }

    /**
     * {@code user} is gone (presence reported them offline after the grace period): every
     * {@code ACTIVE} session where they are joined ends with {@code peer_gone}, and invites they made
     * are cancelled. Invites they received are left to expire.
     *
     * @return number of sessions this call moved
     */
    public int peerGone(UserId user) {
        return commands.peerGone(user);
    }

    /** Convenience for wiring {@code PresenceService.subscribe(chat::onPresenceChange)}: offline → {@link #peerGone}. */
    public void onPresenceChange(PresenceChange change) {
        if (!change.online()) {
            peerGone(change.user());
        }
    }

    /** The stored session, or empty. One store read. */
    public Optional<ChatSession> session(SessionId id) {
        return cfg.sessions().find(id);
    }

    // ------------------------------------------------------------------ messages, typing, read markers

    /**
     * Stores {@code text} from {@code sender} under {@code clientId} and fans it out. Order of checks:
     * text (exception), rate limit (exception), session and membership (refusal), then one atomic
     * append. A repeated (session, sender, client id) stores nothing and returns the original
     * message with {@code duplicate = true} (and publishes it again, receivers drop the duplicate);
     * so does a retry of a retained message after the session stopped taking messages (the sender left
     * or the session ended), instead of the refusal, and without publishing.
     * Nothing is stored on any refusal or exception. If publishing fails the message stays stored and
     * reaches clients through gap recovery or resume.
     *
     * @throws InvalidInputException {@code empty_message} or {@code message_too_large}
     * @throws RateLimitedException {@code rate_limited}
     */
    public SendResult send(SessionId id, UserId sender, MessageId clientId, String text) {
        return intake.send(id, sender, clientId, text);
    }

    /**
     * {@code user} is typing in {@code id}. Throttled per (session, user): at most one indicator per
     * typing-throttle interval is published; each expires by itself after the typing TTL.
     *
     * @return true if an indicator was published; false if throttled or the user may not type here
     */
    public boolean typing(SessionId id, UserId user) {
        return intake.typing(id, user);
    }

    /** Users whose typing indicator in {@code id} has not expired, as seen by this node. O(typers). */
    public Set<UserId> typingUsers(SessionId id) {
        return fanOut.typingUsers(id, cfg.clock().instant());
    }

    /**
     * Moves {@code user}'s read marker to {@code sequence} (clamped to the current top; markers never
     * move back). Other members' connections get a {@link ChatEvent.ReadMarker}.
     *
     * @throws InvalidInputException {@code invalid_sequence} if {@code sequence} is negative
     */
    public ActionResult markRead(SessionId id, UserId user, long sequence) {
        return commands.markRead(id, user, sequence);
    }

    /** {@code top - lastRead} for {@code user}; empty if the session is unknown or they are not a participant. */
    public OptionalLong unread(SessionId id, UserId user) {
        return reads.unread(id, user);
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
        return fanOut.attach(Objects.requireNonNull(user, "user"));
    }

    /**
     * One page of {@code user}'s open sessions in the order {@link #attach} lists them (active first,
     * then the newest invites; hidden invites left out): at most {@code limit} from position
     * {@code offset}. Cost: one store query plus one bounds read per returned session.
     */
    public List<SessionView> openSessions(UserId user, int offset, int limit) {
        return reads.openSessions(user, offset, limit);
    }

    /**
     * One connection of {@code user} on this node is gone. When the last one goes, the node drops the
     * user's subscriptions and every session subscription no other attached participant needs.
     */
    public void detach(UserId user) {
        fanOut.detach(Objects.requireNonNull(user, "user"));
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
        return reads.resume(id, user, lastSequence);
    }

    /**
     * A cursor for a reader (a connection of {@code user}) that has every message of {@code id} up
     * to {@code seen}: it classifies live messages ({@link ReplayCursor#offer}) and pages gaps from
     * history, re-checking that {@code user} is still joined. No I/O until a page is fetched.
     *
     * @throws InvalidInputException {@code invalid_sequence} if {@code seen} is negative
     */
    public ReplayCursor cursor(SessionId id, UserId user, long seen) {
        return reads.cursor(id, user, seen);
    }

    // ------------------------------------------------------------------ maintenance

    /**
     * Expires invites and ends idle sessions whose deadline passed (at most the sweep limit per call),
     * extends deadlines of sessions that had traffic, and drops expired typing and rate-limit state.
     * Safe to call on several nodes at once (each session move is a compare-and-set).
     */
    public ChatTick tick() {
        Instant now = cfg.clock().instant();
        ChatTick t = commands.sweep(now);
        intake.purge(now);
        return t;
    }

    /** Number of sessions this node is subscribed to (for leak checks and gauges). */
    public int localSessionCount() {
        return fanOut.localSessionCount();
    }

    /** Number of users attached on this node. */
    public int attachedUserCount() {
        return fanOut.attachedUserCount();
    }

    /**
     * Closes every subscription of this node and stops the delivery executor if this service made it
     * (events still queued are dropped). Idempotent; the stores are left untouched.
     */
    @Override
    public void close() {
        fanOut.close();
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ builder

    /** Options for {@link ChatService}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final ChatOptions o;

        private Builder(ChatSessionStore sessions, MessageStore messages, EventBus bus, ChatRecipients recipients) {
            this.o = new ChatOptions(sessions, messages, bus, recipients);
        }

        /** Clock for every timestamp, timeout and rate (default: system UTC). */
        public Builder clock(Clock clock) {
            o.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** Listener for chat events (default: {@link VicinityListener#NO_OP}); wrapped as isolating. */
        public Builder listener(VicinityListener listener) {
            o.listener = Checks.notNull("listener", listener);
            return this;
        }

        /**
         * Invites a user may send: {@code perMinute} sustained, {@code burst} at once (default 10 and
         * 10); beyond that {@code invite} throws {@link RateLimitedException}.
         */
        public Builder inviteRate(int perMinute, int burst) {
            o.invitesPerMinute = perMinute;
            o.inviteBurst = burst;
            return this;
        }

        /**
         * Where invite limits are counted (default: a {@link LocalRateLimitStore} of this service, so
         * per node); give every node the same distributed store (e.g. {@code RedisRateLimitStore}) to
         * make the invite limit cluster-wide.
         */
        public Builder rateLimitStore(RateLimitStore store) {
            o.rateLimitStore = Checks.notNull("store", store);
            return this;
        }

        /** No invite rate limit and no pending-invite cap (tests and benchmarks). */
        public Builder unlimitedInvites() {
            o.invitesPerMinute = 1_000_000;
            o.inviteBurst = 1_000_000;
            o.maxPendingInvites = 1_000_000;
            return this;
        }

        /**
         * Pending invites a user may have received (default 20); an invite to a user who has that many
         * is refused with {@code too_many_invites}.
         */
        public Builder maxPendingInvites(int n) {
            o.maxPendingInvites = n;
            return this;
        }

        /** Who blocked whom, so blocks hold on invites and block-ended sessions (default: {@link BlockCheck#NONE}). */
        public Builder blockCheck(BlockCheck check) {
            o.blockCheck = Checks.notNull("check", check);
            return this;
        }

        /** Where blocks are recorded (default: {@link BlockRecorder#NONE}). */
        public Builder blockRecorder(BlockRecorder blocks) {
            o.blocks = Checks.notNull("blocks", blocks);
            return this;
        }

        /** How long an invite waits for an accept (default 2 min). */
        public Builder inviteTimeout(Duration d) {
            o.inviteTimeout = d;
            return this;
        }

        /** An active session without messages for this long ends with {@code idle_timeout} (default 30 min). */
        public Builder idleTimeout(Duration d) {
            o.idleTimeout = d;
            return this;
        }

        /** Maximum participants per session, inviter included, 2..64 (default 2). */
        public Builder maxParticipants(int n) {
            o.maxParticipants = n;
            return this;
        }

        /** Maximum message length in Unicode code points, 1..1,000,000 (default 4000). */
        public Builder maxMessageLength(int n) {
            o.maxMessageLength = n;
            return this;
        }

        /** Per-user, per-node message rate: {@code perSecond} sustained, {@code burst} at once (default 5/s, 20). */
        public Builder messageRate(double perSecond, int burst) {
            o.ratePerSecond = perSecond;
            o.rateBurst = burst;
            return this;
        }

        /** Per-user, per-node message rate (default 5/s, bursts of 20). */
        public Builder messageRate(RateLimit rate) {
            return messageRate(rate.perSecond(), rate.burst());
        }

        /** No message rate limit (benchmarks, trusted hosts). */
        public Builder unlimitedMessageRate() {
            o.ratePerSecond = 0;
            o.rateBurst = 0;
            return this;
        }

        /**
         * Messages kept per session (older ones are trimmed in batches; clients further behind must
         * reload). 0 keeps everything. Default 10,000.
         */
        public Builder historyLimit(int n) {
            o.historyLimit = n;
            return this;
        }

        /** Messages per replay page and per gap-recovery read, 1..10,000 (default 200). */
        public Builder replayPageSize(int n) {
            o.replayPageSize = n;
            return this;
        }

        /** Minimum interval between two typing indicators of one user in one session (default 2 s). */
        public Builder typingThrottle(Duration d) {
            o.typingThrottle = d;
            return this;
        }

        /** How long a typing indicator lasts without a new one; longer than the throttle (default 6 s). */
        public Builder typingTtl(Duration d) {
            o.typingTtl = d;
            return this;
        }

        /** Maximum due sessions handled per {@link ChatService#tick()} (default 500). */
        public Builder sweepLimit(int n) {
            o.sweepLimit = n;
            return this;
        }

        /**
         * Where bus events are handled (refreshing snapshots, gap recovery from history, delivery to
         * this node's connections): one session at a time per session, in arrival order, so a slow
         * store read holds up only its session. Default: on the publishing thread for a bus that
         * delivers there ({@link EventBus#deliversOnPublisherThread()}, e.g. the in-memory bus), otherwise a fixed pool of daemon
         * threads this service owns and stops on {@link #close()}. A host may pass its own (e.g. a
         * virtual-thread executor); it is not shut down by the service.
         */
        public Builder deliveryExecutor(Executor executor) {
            o.deliveryExecutor = Checks.notNull("executor", executor);
            return this;
        }

        /** @throws IllegalArgumentException naming the first bad option */
        public ChatService build() {
            o.check();
            Executor executor = o.deliveryExecutor();
            ExecutorService owned = executor != o.deliveryExecutor && executor instanceof ExecutorService es ? es : null;
            return new ChatService(o.toConfig(executor), owned);
        }
    }
}
