package dev.vicinity.chat;

import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored message. Immutable value.
 *
 * @param session the session
 * @param sequence server-assigned position, 1, 2, 3... without gaps within the session
 * @param sender who sent it
 * @param clientId the sender's idempotency key; unique per (session, sender)
 * @param text the text
 * @param storedAt when it was stored (from the storing node's clock)
 */
public record ChatMessage(SessionId session, long sequence, UserId sender, MessageId clientId, String text,
        Instant storedAt) {
    /**
     * Checks that the required components are present and that {@code sequence >= 1}.
     * @throws NullPointerException if a required component is null
     * @throws IllegalArgumentException if {@code sequence} is out of range
     */
    public ChatMessage {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(storedAt, "storedAt");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
        }
    }

    /** Text is left out so that logging a message never leaks its content. */
    @Override
    public String toString() {
        return "ChatMessage[session=" + session + ", sequence=" + sequence + ", sender=" + sender
                + ", clientId=" + clientId + ", length=" + text.length() + ", storedAt=" + storedAt + "]";
    }
}
