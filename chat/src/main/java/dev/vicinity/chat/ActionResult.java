package dev.vicinity.chat;

import java.util.Objects;

/**
 * Outcome of a session action (accept, decline, cancel, leave, block, moderate, mark read): done,
 * with the stored session, or refused with a stable code from {@link ChatErrors}. A refusal changed
 * nothing.
 */
public sealed interface ActionResult {

    /** The change is stored; {@code session} is the new stored version. */
    record Done(ChatSession session) implements ActionResult {
        /**
         * Checks that {@code session} is not null.
         * @throws NullPointerException if a required component is null
         */
        public Done {
            Objects.requireNonNull(session, "session");
        }
    }

    /** Nothing changed. */
    record Refused(String code, String reason) implements ActionResult {
        /**
         * Checks that {@code code}, {@code reason} are not null.
         * @throws NullPointerException if a required component is null
         */
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** True if this is a {@link Done}. */
    default boolean done() {
        return this instanceof Done;
    }
}
