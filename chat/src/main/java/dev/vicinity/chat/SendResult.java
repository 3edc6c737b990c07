package dev.vicinity.chat;

import java.util.Objects;

/**
 * Outcome of {@link ChatService#send}: stored (freshly, or earlier under the same client id), or
 * refused with a stable code ({@code unknown_session}, {@code not_participant}, {@code not_joined},
 * {@code session_not_active}). Bad input and rate limits are exceptions instead.
 */
public sealed interface SendResult {

    /**
     * The message is in history with {@code message.sequence()}.
     *
     * @param duplicate true if the client id had been stored before: nothing new was stored and the
     *     original message (and sequence) is returned
     */
    record Stored(ChatMessage message, boolean duplicate) implements SendResult {
        /**
         * Checks that {@code message} is not null.
         * @throws NullPointerException if a required component is null
         */
        public Stored {
            Objects.requireNonNull(message, "message");
        }
    }

    /** Nothing was stored. */
    record Refused(String code, String reason) implements SendResult {
        /**
         * Checks that {@code code}, {@code reason} are not null.
         * @throws NullPointerException if a required component is null
         */
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
