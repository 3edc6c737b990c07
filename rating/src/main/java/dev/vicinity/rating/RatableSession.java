package dev.vicinity.rating;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The facts of one chat session that rating uses: who took part and when it ended.
 *
 * <p>Immutable value.
 *
 * @param session the session
 * @param participants everyone who was a member at some point (they may rate each other)
 * @param endedAt when the session ended, or null while it has not
 */
public record RatableSession(SessionId session, Set<UserId> participants, @Nullable Instant endedAt) {

    /** @throws NullPointerException if session or participants is null */
    public RatableSession {
        Objects.requireNonNull(session, "session");
        participants = Set.copyOf(participants);
    }

    /** A session that ended at {@code endedAt}. */
    public static RatableSession ended(SessionId session, Set<UserId> participants, Instant endedAt) {
        return new RatableSession(session, participants, Objects.requireNonNull(endedAt, "endedAt"));
    }

    /** A session that has not ended. */
    public static RatableSession ongoing(SessionId session, Set<UserId> participants) {
        return new RatableSession(session, participants, null);
    }

    /** The end time, if the session has ended. */
    public Optional<Instant> end() {
        return Optional.ofNullable(endedAt);
    }
}
