package dev.vicinity.chat;

/**
 * Membership of one participant in a session. Legal moves ({@link ChatSessionMachine#memberTransition}):
 * {@code INVITED → JOINED} (accept), {@code INVITED → LEFT} (decline) and {@code JOINED → LEFT}
 * (leave, block). {@code LEFT} is final. Only {@code JOINED} members send and receive messages.
 */
public enum MemberState {
    /** Invited, has not answered yet. Receives session notices, no messages. */
    INVITED,
    /** Member of the conversation: may send, receives deliveries. The inviter starts here. */
    JOINED,
    /** Final: left, declined or blocked. Receives nothing more from the session, on any node. */
    LEFT
}
