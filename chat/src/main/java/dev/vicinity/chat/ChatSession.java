package dev.vicinity.chat;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A persisted chat session: state, participants and timestamps, versioned for compare-and-set.
 * Immutable value; every change produces a copy with {@code version + 1}.
 *
 * <p>Other modules (rating) read {@link #participantIds()}, {@link #state()} and {@link #endedAt()}
 * to decide who may rate whom and until when.
 *
 * @param id the session
 * @param state current state
 * @param endReason why it ended; non-null exactly when {@code state} is {@link ChatSessionState#ENDED}
 * @param inviter who created the invite
 * @param participants every participant, inviter first, in invite order; never empty
 * @param createdAt when the invite was created
 * @param activatedAt when it became {@code ACTIVE}, or null
 * @param endedAt when it reached a terminal state, or null while {@code INVITED} or {@code ACTIVE}
 * @param timeoutAt when the service must look at it again (invite expiry while {@code INVITED}, idle
 *     deadline while {@code ACTIVE}); null in terminal states
 * @param version starts at 1, incremented by every stored change
 */
public record ChatSession(SessionId id, ChatSessionState state, @Nullable EndReason endReason, UserId inviter,
        List<Participant> participants, Instant createdAt, @Nullable Instant activatedAt, @Nullable Instant endedAt,
        @Nullable Instant timeoutAt, long version) {

    /**
     * Checks that id, state, inviter and createdAt are present and keeps an immutable copy of the participants,
     * which must not be empty.
     * @throws NullPointerException if a required component is null
     * @throws IllegalArgumentException if there is no participant
     */
    public ChatSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(inviter, "inviter");
        Objects.requireNonNull(createdAt, "createdAt");
        participants = List.copyOf(participants);
        if (participants.isEmpty()) {
            throw new IllegalArgumentException("a session needs participants");
        }
        if ((state == ChatSessionState.ENDED) != (endReason != null)) {
            throw new IllegalArgumentException("endReason must be set exactly when ENDED");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, got " + version);
        }
    }

    /** The participant record of {@code user}, if they are a participant. O(participants). */
    public Optional<Participant> participant(UserId user) {
        for (Participant p : participants) {
            if (p.user().equals(user)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** True if {@code user} is currently {@link MemberState#JOINED}. O(participants), no allocation. */
    public boolean isJoined(UserId user) {
        for (Participant p : participants) {
            if (p.user().equals(user)) {
                return p.state() == MemberState.JOINED;
            }
        }
        return false;
    }

    /** Number of participants currently {@link MemberState#JOINED}. */
    public int joinedCount() {
        int n = 0;
        for (Participant p : participants) {
            if (p.state() == MemberState.JOINED) {
                n++;
            }
        }
        return n;
    }

    /** Number of participants still {@link MemberState#INVITED}. */
    public int pendingCount() {
        int n = 0;
        for (Participant p : participants) {
            if (p.state() == MemberState.INVITED) {
                n++;
            }
        }
        return n;
    }

    /** Every participant's id, whatever their membership state, inviter first. Immutable. */
    public List<UserId> participantIds() {
        List<UserId> ids = new ArrayList<>(participants.size());
        for (Participant p : participants) {
            ids.add(p.user());
        }
        return List.copyOf(ids);
    }

    /** The end time as an Optional (empty while not terminal). */
    public Optional<Instant> endedAtIfAny() {
        return Optional.ofNullable(endedAt);
    }

    /** A copy with version + 1 and the given state fields; participants unchanged. */
    public ChatSession next(ChatSessionState newState, @Nullable EndReason newReason, @Nullable Instant newActivatedAt,
            @Nullable Instant newEndedAt, @Nullable Instant newTimeoutAt) {
        return new ChatSession(id, newState, newReason, inviter, participants, createdAt, newActivatedAt,
                newEndedAt, newTimeoutAt, version + 1);
    }

    /** A copy with version + 1 and {@code user}'s participant record replaced by {@code change(it)}. */
    public ChatSession withParticipant(UserId user, UnaryOperator<Participant> change) {
        List<Participant> ps = new ArrayList<>(participants.size());
        for (Participant p : participants) {
            ps.add(p.user().equals(user) ? change.apply(p) : p);
        }
        return new ChatSession(id, state, endReason, inviter, ps, createdAt, activatedAt, endedAt, timeoutAt,
                version + 1);
    }

    /** A copy of this session with participants replaced (version unchanged; used together with {@link #next}). */
    public ChatSession withParticipants(List<Participant> newParticipants) {
        return new ChatSession(id, state, endReason, inviter, newParticipants, createdAt, activatedAt, endedAt,
                timeoutAt, version);
    }

    /** A copy with version + 1 and a new timeout (used to extend the idle deadline). */
    public ChatSession withTimeoutAt(Instant newTimeoutAt) {
        return new ChatSession(id, state, endReason, inviter, participants, createdAt, activatedAt, endedAt,
                newTimeoutAt, version + 1);
    }
}
