package dev.vicinity.core;

import java.util.Objects;

/**
 * Inputs to the connection state machine. Sealed: {@link ConnectionStateMachine#transition} handles
 * every kind, and a test walks every (state, event kind) pair.
 */
public sealed interface ConnectionEvent {

    /** The host's authentication callback accepted the connection. */
    record Authenticated() implements ConnectionEvent {}

    /** The authentication deadline passed while still {@code CONNECTING}. */
    record AuthTimedOut() implements ConnectionEvent {}

    /**
     * The transport went away for a resumable reason ({@link CloseCode#resumable()} must be true;
     * e.g. {@link CloseCode#TRANSPORT_LOST}, {@link CloseCode#SLOW_CONSUMER}).
     */
    record Detached(CloseCode code) implements ConnectionEvent {
        /**
         * Checks that {@code code} is not null.
         * @throws IllegalArgumentException unless {@code code} is resumable
         * @throws NullPointerException if a required component is null
         */
        public Detached {
            Objects.requireNonNull(code, "code");
            if (!code.resumable()) {
                throw new IllegalArgumentException("Detached needs a resumable code, got " + code);
            }
        }
    }

    /** The client presented a valid resume token within the window. */
    record Resumed() implements ConnectionEvent {}

    /** The resume window of a detached connection ended. */
    record ResumeExpired() implements ConnectionEvent {}

    /** A final close for any reason (clean close, replaced, kicked, protocol violation...). */
    record Closed(CloseCode code) implements ConnectionEvent {
        /**
         * Checks that {@code code} is not null.
         * @throws NullPointerException if a required component is null
         */
        public Closed {
            Objects.requireNonNull(code, "code");
        }
    }
}
