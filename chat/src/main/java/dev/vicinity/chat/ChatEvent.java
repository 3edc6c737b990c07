package dev.vicinity.chat;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link ChatService} hands to {@link ChatRecipients#deliver} for one local connection. Sealed;
 * a gateway maps each kind to one outbound frame.
 */
public sealed interface ChatEvent {

    /** The session the event belongs to. */
    SessionId session();

    /** A new message, delivered live in sequence order per session and node. */
    record NewMessage(ChatMessage message) implements ChatEvent {
        /**
         * Checks that {@code message} is not null.
         * @throws NullPointerException if a required component is null
         */
        public NewMessage {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public SessionId session() {
            return message.session();
        }
    }

    /** The session's state or membership changed (invites arrive this way too). */
    record SessionChanged(ChatSession snapshot) implements ChatEvent {
        /**
         * Checks that {@code snapshot} is not null.
         * @throws NullPointerException if a required component is null
         */
        public SessionChanged {
            Objects.requireNonNull(snapshot, "snapshot");
        }

        @Override
        public SessionId session() {
            return snapshot.id();
        }
    }

    /** {@code user} is typing until {@code expiresAt} unless a newer typing event extends it. */
    record Typing(SessionId session, UserId user, Instant expiresAt) implements ChatEvent {}

    /** {@code user} has read the session up to {@code sequence}. */
    record ReadMarker(SessionId session, UserId user, long sequence) implements ChatEvent {}

    /**
     * Live delivery found a gap that history can no longer fill ({@code recovered: false}): the client
     * must reload the session (current top {@code top}) instead of trusting its local copy.
     */
    record ResyncRequired(SessionId session, long top) implements ChatEvent {}

    /**
     * {@code user}, a joined member, lost its last connection and may come back inside the resume
     * window ({@code away = true}), or is connected again ({@code away = false}). The session stays
     * {@code ACTIVE} while a member is away; it ends {@code peer_gone} only when presence reports the
     * user offline.
     */
    record MemberPresence(SessionId session, UserId user, boolean away) implements ChatEvent {}
}
