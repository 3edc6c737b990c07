package dev.vicinity.chat;

import dev.vicinity.chat.ChatSessionMachine.MemberEvent;
import dev.vicinity.chat.internal.BusCodec;
import dev.vicinity.core.IdGenerator;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compare-and-set side of chat: every session change (invite, accept, decline, cancel, leave,
 * block, moderation, peer gone, read markers, timeouts) is a pure decision on the stored session,
 * stored with {@link dev.vicinity.chat.spi.ChatSessionStore#compareAndSet} and retried on a lost
 * race ({@link #change}), then announced: applied on this node before the call returns, then
 * published to the other nodes. Holds no lock. Thread-safe.
 */
final class SessionCommands {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCommands.class);
    private static final int MAX_CAS_ATTEMPTS = 64;

    private final ChatConfig cfg;
    private final Visibility visibility;
    private final LocalFanOut fanOut;
    private final Publisher publisher;
    private final IdGenerator ids;

    SessionCommands(ChatConfig cfg, Visibility visibility, LocalFanOut fanOut, Publisher publisher) {
        this.cfg = cfg;
        this.visibility = visibility;
        this.fanOut = fanOut;
        this.publisher = publisher;
        this.ids = new IdGenerator(cfg.clock());
    }

    /** See {@link ChatService#invite}. */
    ChatSession invite(UserId inviter, Collection<UserId> invitees) {
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
        int max = cfg.maxParticipants() - 1;
        if (unique.isEmpty() || unique.size() > max) {
            throw new InvalidInputException(ChatErrors.INVALID_PARTICIPANTS,
                    "a session needs 1.." + max + " invitees, got " + unique.size());
        }
        for (UserId u : unique) {
            if (visibility.blocks(inviter, u)) {
                throw new VicinityException(ChatErrors.USER_BLOCKED, "you blocked " + u + "; unblock first");
            }
        }
        Instant now = cfg.clock().instant();
        Duration wait = cfg.inviteLimits().tryAcquire("chat.invite:" + inviter.value(), cfg.invitesPerSecond(),
                cfg.inviteBurst(), now);
        if (!wait.isZero()) {
            throw new RateLimitedException("too many invites from this user", wait);
        }
        for (UserId u : unique) {
            int pending = 0;
            for (ChatSession open : cfg.sessions().openSessionsOf(u)) {
                if (open.state() == ChatSessionState.INVITED && !open.inviter().equals(u)
                        && open.participant(u).map(p -> p.state() == MemberState.INVITED).orElse(false)) {
                    pending++;
                }
            }
            if (pending >= cfg.maxPendingInvites()) {
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
                null, now.plus(cfg.inviteTimeout()), 1);
        if (!cfg.sessions().insert(s)) {
            throw new IllegalStateException("session id collision: " + s.id());
        }
        cfg.listener().onChatSessionChanged(s.id(), null, s.state().wireName(), null);
        LOG.debug("chat session {} invited by {} ({} invitees)", s.id(), inviter, unique.size());
        announce(s);
        return s;
    }

    /** See {@link ChatService#accept}. */
    ActionResult accept(SessionId id, UserId user) {
        Objects.requireNonNull(user, "user");
        return change(id, (s, now) -> {
            Participant p = s.participant(user).orElse(null);
            if (p == null) {
                return notParticipant(user);
            }
            if (visibility.hiddenFrom(s, user)) {
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

    /** See {@link ChatService#decline}. */
    ActionResult decline(SessionId id, UserId user) {
        Objects.requireNonNull(user, "user");
        return change(id, (s, now) -> declineDecision(s, user, now));
    }

    /** See {@link ChatService#cancel}. */
    ActionResult cancel(SessionId id, UserId user) {
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

    /** See {@link ChatService#leave}. */
    ActionResult leave(SessionId id, UserId user) {
        Objects.requireNonNull(user, "user");
        return change(id, (s, now) -> leaveDecision(s, user, now, EndReason.LEFT));
    }

    /** See {@link ChatService#block}. */
    ActionResult block(SessionId id, UserId blocker, UserId blocked) {
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(blocked, "blocked");
        if (blocker.equals(blocked)) {
            throw new InvalidInputException(ChatErrors.INVALID_PARTICIPANTS, "a user cannot block themselves");
        }
        ChatSession s0 = cfg.sessions().find(id).orElse(null);
        if (s0 == null) {
            return unknown(id);
        }
        if (s0.participant(blocker).isEmpty() || s0.participant(blocked).isEmpty()) {
            return new ActionResult.Refused(ChatErrors.NOT_PARTICIPANT, "both users must be participants");
        }
        cfg.blocks().record(blocker, blocked);
        return change(id, (s, now) -> blockDecision(s, blocker, blocked, now));
    }

    /** See {@link ChatService#moderate}. */
    ActionResult moderate(SessionId id) {
        return change(id, (s, now) -> s.state() == ChatSessionState.INVITED
                ? move(s, new ChatSessionEvent.Cancel(), now, s.participants())
                : move(s, new ChatSessionEvent.End(EndReason.MODERATED), now, s.participants()));
    }

    /** See {@link ChatService#onBlocked}. */
    int onBlocked(UserId blocker, UserId blocked) {
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(blocked, "blocked");
        int n = 0;
        for (ChatSession open : cfg.sessions().openSessionsOf(blocker)) {
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

    /** See {@link ChatService#peerGone}. */
    int peerGone(UserId user) {
        Objects.requireNonNull(user, "user");
        int n = 0;
        for (ChatSession open : cfg.sessions().openSessionsOf(user)) {
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

    /** See {@link ChatService#markRead}. */
    ActionResult markRead(SessionId id, UserId user, long sequence) {
        Objects.requireNonNull(user, "user");
        if (sequence < 0) {
            throw new InvalidInputException(ChatErrors.INVALID_SEQUENCE, "sequence must be >= 0");
        }
        long target = Math.min(sequence, cfg.messages().bounds(id).top());
        boolean[] advanced = new boolean[1];
        ActionResult r = change(id, (s, now) -> {
            Participant p = s.participant(user).orElse(null);
            if (p == null) {
                return notParticipant(user);
            }
            if (p.state() != MemberState.JOINED) {
                return new ActionResult.Refused(ChatErrors.NOT_JOINED, "member is " + p.state());
            }
            advanced[0] = target > p.lastRead();
            return new ActionResult.Done(advanced[0] ? s.withParticipant(user, q -> q.withLastRead(target)) : s);
        });
        if (r instanceof ActionResult.Done d && advanced[0]) {
            publisher.publish(fanOut.topic(id),
                    BusCodec.read(d.session().version(), user, d.session().participant(user).orElseThrow().lastRead()));
        }
        return r;
    }

    /**
     * Expires invites and ends idle sessions whose deadline passed (at most the sweep limit),
     * extending the deadline of sessions that had traffic. Returns {expired, idle, extended}.
     */
    ChatTick sweep(Instant now) {
        int expired = 0;
        int idle = 0;
        int extended = 0;
        for (SessionId id : cfg.sessions().due(now, cfg.sweepLimit())) {
            ActionResult r = change(id, (s, n) -> {
                if (s.timeoutAt() == null || s.timeoutAt().isAfter(now)) {
                    return new ActionResult.Refused(ChatErrors.ILLEGAL_TRANSITION, "not due");
                }
                if (s.state() == ChatSessionState.INVITED) {
                    return move(s, new ChatSessionEvent.ExpireInvite(), n, s.participants());
                }
                Instant lastActivity = s.activatedAt();
                Instant lastMessage = cfg.messages().bounds(id).lastAppendedAt();
                if (lastMessage != null && (lastActivity == null || lastMessage.isAfter(lastActivity))) {
                    lastActivity = lastMessage;
                }
                Instant deadline = lastActivity == null ? now : lastActivity.plus(cfg.idleTimeout());
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
        return new ChatTick(expired, idle, extended);
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
            ChatSession current = cfg.sessions().find(id).orElse(null);
            if (current == null) {
                return unknown(id);
            }
            ActionResult r = decider.decide(current, cfg.clock().instant());
            if (!(r instanceof ActionResult.Done d) || d.session() == current) {
                return r;
            }
            if (cfg.sessions().compareAndSet(current.version(), d.session())) {
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
            case ACTIVE -> s.withParticipants(ps).next(m.to(), null, now, null, now.plus(cfg.idleTimeout()));
            default -> s.withParticipants(ps).next(m.to(), m.reason(), s.activatedAt(), now, null);
        };
        return new ActionResult.Done(next);
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

    private ActionResult declineDecision(ChatSession s, UserId user, Instant now) {
        Participant p = s.participant(user).orElse(null);
        if (p == null) {
            return notParticipant(user);
        }
        if (visibility.hiddenFrom(s, user)) {
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
            String reason = after.endReason() == null ? null : after.endReason().wireName();
            cfg.listener().onChatSessionChanged(after.id(), before.state().wireName(), after.state().wireName(), reason);
            LOG.debug("chat session {} {} -> {}{}", after.id(), before.state().wireName(), after.state().wireName(),
                    reason == null ? "" : " (" + reason + ")");
        }
        announce(after);
    }

    /** Applies a stored change on this node first (before returning), then tells the other nodes. */
    private void announce(ChatSession s) {
        fanOut.changedHere(s);
        publisher.publish(ChatService.SESSION_TOPIC_PREFIX + s.id().value(), BusCodec.session(s.version()));
        byte[] notice = BusCodec.notice(s.id(), s.version());
        for (Participant p : s.participants()) {
            publisher.publish(ChatService.USER_TOPIC_PREFIX + p.user().value(), notice);
        }
    }
}
