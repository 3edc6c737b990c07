package dev.vicinity.chat;

import org.jspecify.annotations.Nullable;

/**
 * Result of applying a {@link ChatSessionEvent} to a {@link ChatSessionState}: a move or a rejection.
 * Rejections are values, never exceptions.
 */
public sealed interface SessionTransition {

    /** The state before the event. */
    ChatSessionState from();

    /**
     * The event is legal; the session is now in {@code to}.
     *
     * @param reason the end reason when {@code to} is {@link ChatSessionState#ENDED}, otherwise null
     */
    record Moved(ChatSessionState from, ChatSessionState to, @Nullable EndReason reason) implements SessionTransition {}

    /** The event is not legal in {@code from}; nothing changed. */
    record Rejected(ChatSessionState from, ChatSessionEvent event, String reason) implements SessionTransition {}

    /** True if this is a {@link Moved}. */
    default boolean moved() {
        return this instanceof Moved;
    }
}
