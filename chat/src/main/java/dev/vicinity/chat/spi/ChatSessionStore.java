package dev.vicinity.chat.spi;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage primitives for chat sessions, shared by every node. The state machine, timeouts and
 * membership rules live once in {@link dev.vicinity.chat.ChatService}; a store only keeps
 * {@link ChatSession} values and makes each method atomic.
 *
 * <p>Concurrency: {@link #compareAndSet} is the only way to change a stored session, so two nodes
 * can never both move the same session from the same version. Reads may be slightly stale but never
 * torn (a whole version is returned). Implementations are thread-safe. Times are passed in by the
 * caller; a store never reads a clock of its own.
 */
public interface ChatSessionStore {

    /**
     * Stores {@code session} if no session with its id exists (insert-if-absent).
     *
     * @return true if stored, false if the id was taken (nothing changed)
     */
    boolean insert(ChatSession session);

    /** The current stored version of {@code id}, or empty. */
    Optional<ChatSession> find(SessionId id);

    /**
     * Replaces the stored session with {@code updated} if, and only if, the stored version is
     * {@code expectedVersion}. The caller passes {@code updated.version() == expectedVersion + 1}.
     *
     * @return true if replaced; false if the session is missing or its version differs (nothing changed)
     * @throws IllegalArgumentException if {@code updated.version() != expectedVersion + 1}
     */
    boolean compareAndSet(long expectedVersion, ChatSession updated);

    /**
     * Sessions in a non-terminal state ({@code INVITED} or {@code ACTIVE}) that list {@code user}
     * as a participant, whatever the user's membership state. Order unspecified.
     */
    List<ChatSession> openSessionsOf(UserId user);

    /**
     * Ids of up to {@code limit} sessions whose {@link ChatSession#timeoutAt()} is non-null and at or
     * before {@code now}, earliest first. Does not change anything; callers resolve each one with
     * {@link #compareAndSet}, so several nodes may sweep at once.
     */
    List<SessionId> due(Instant now, int limit);
}
