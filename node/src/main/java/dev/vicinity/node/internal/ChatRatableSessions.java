package dev.vicinity.node.internal;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.core.SessionId;
import dev.vicinity.rating.RatableSession;
import dev.vicinity.rating.RatableSessions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Rating's view of chat sessions, as docs/rating.md specifies: an {@code ENDED} chat is ratable from its
 * end; an {@code INVITED} or {@code ACTIVE} one is ongoing (rating answers {@code session_not_ended});
 * a declined, cancelled or expired invitation, and an unknown id, are not sessions to rate
 * ({@code session_not_found}). Stateless and thread-safe (reads the shared session store).
 */
public final class ChatRatableSessions implements RatableSessions {
    private final ChatSessionStore sessions;

    /** A view over {@code sessions}. */
    public ChatRatableSessions(ChatSessionStore sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @Override
    public Optional<RatableSession> lookup(SessionId id) {
        return sessions.find(id).flatMap(ChatRatableSessions::view);
    }

    static Optional<RatableSession> view(ChatSession s) {
        return switch (s.state()) {
            case ENDED -> Optional.of(RatableSession.ended(s.id(), Set.copyOf(s.participantIds()),
                    Objects.requireNonNull(s.endedAt(), "an ENDED session has endedAt")));
            case INVITED, ACTIVE -> Optional.of(RatableSession.ongoing(s.id(), Set.copyOf(s.participantIds())));
            case DECLINED, CANCELLED, EXPIRED -> Optional.empty();
        };
    }
}
