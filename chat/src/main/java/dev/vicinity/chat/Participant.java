package dev.vicinity.chat;

import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * One participant of a session. Immutable value.
 *
 * @param user the participant
 * @param state membership state
 * @param lastRead highest sequence this participant marked as read (0 = nothing read); never decreases
 * @param since when {@code state} began
 */
public record Participant(UserId user, MemberState state, long lastRead, Instant since) {
    /**
     * Checks that user, state and since are present and that {@code lastRead >= 0}.
     * @throws IllegalArgumentException if {@code lastRead} is negative
     */
    public Participant {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        if (lastRead < 0) {
            throw new IllegalArgumentException("lastRead must be >= 0, got " + lastRead);
        }
    }

    /** A copy in {@code newState} since {@code at}. */
    public Participant withState(MemberState newState, Instant at) {
        return new Participant(user, newState, lastRead, at);
    }

    /** A copy with the read marker moved to {@code sequence}. */
    public Participant withLastRead(long sequence) {
        return new Participant(user, state, sequence, since);
    }
}
