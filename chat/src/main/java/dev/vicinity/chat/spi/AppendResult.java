package dev.vicinity.chat.spi;

import dev.vicinity.chat.ChatMessage;
import java.util.Objects;

/**
 * Result of {@link MessageStore#append}.
 *
 * @param message the stored message: the new one, or the one stored earlier under the same
 *     (session, sender, client id)
 * @param created true if this call stored it, false if it already existed (nothing was stored)
 */
public record AppendResult(ChatMessage message, boolean created) {
    /**
     * Checks that {@code message} is not null.
     * @throws NullPointerException if a required component is null
     */
    public AppendResult {
        Objects.requireNonNull(message, "message");
    }
}
