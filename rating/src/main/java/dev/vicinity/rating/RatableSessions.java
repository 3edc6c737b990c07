package dev.vicinity.rating;

import dev.vicinity.core.SessionId;
import java.util.Optional;

/**
 * What rating needs to know about chat sessions, supplied by the host (typically backed by the chat
 * module's session store). Rating reads it before anything is written to decide eligibility.
 *
 * <p>Implementations must be thread-safe. A session's participants and end time must not change once
 * it has ended.
 */
@FunctionalInterface
public interface RatableSessions {

    /** The facts of {@code session}, or empty when the session is unknown. */
    Optional<RatableSession> lookup(SessionId session);
}
