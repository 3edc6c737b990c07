package dev.vicinity.chat;

import java.util.Objects;

/**
 * Inputs to the session state machine. Sealed: {@link ChatSessionMachine#transition} handles every
 * kind and a test walks every (state, event kind) pair. Who may cause which event (only an invitee
 * accepts, only the inviter cancels...) is checked by {@link ChatService} before the machine runs.
 */
public sealed interface ChatSessionEvent {

    /** An invitee accepted the invite. */
    record Accept() implements ChatSessionEvent {}

    /** The last pending invitee declined. */
    record Decline() implements ChatSessionEvent {}

    /** The inviter withdrew the invite. */
    record Cancel() implements ChatSessionEvent {}

    /** The invite timeout passed without an accept. */
    record ExpireInvite() implements ChatSessionEvent {}

    /** The running session ends for {@code reason}. */
    record End(EndReason reason) implements ChatSessionEvent {
        /**
         * Checks that {@code reason} is not null.
         * @throws NullPointerException if a required component is null
         */
        public End {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
