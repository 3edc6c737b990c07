package dev.vicinity.testkit.rating;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.RatableSession;
import dev.vicinity.rating.RatableSessions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe, in-memory {@link RatableSessions} for tests: sessions are declared ongoing or ended
 * by the test.
 */
public final class TestSessions implements RatableSessions {
    private final Map<SessionId, RatableSession> sessions = new ConcurrentHashMap<>();

    /** Declares an ongoing session of {@code participants}. */
    public SessionId ongoing(SessionId session, UserId... participants) {
        sessions.put(session, RatableSession.ongoing(session, Set.of(participants)));
        return session;
    }

    /** Declares (or marks) a session of {@code participants} that ended at {@code endedAt}. */
    public SessionId ended(SessionId session, Instant endedAt, UserId... participants) {
        sessions.put(session, RatableSession.ended(session, Set.of(participants), endedAt));
        return session;
    }

    /** Marks an existing session as ended at {@code endedAt}. */
    public void end(SessionId session, Instant endedAt) {
        sessions.computeIfPresent(session, (id, s) -> RatableSession.ended(id, s.participants(), endedAt));
    }

    @Override
    public Optional<RatableSession> lookup(SessionId session) {
        return Optional.ofNullable(sessions.get(session));
    }
}
