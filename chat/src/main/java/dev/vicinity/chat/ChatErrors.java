package dev.vicinity.chat;

/**
 * Stable codes of the chat module, carried by exceptions ({@code message_too_large},
 * {@code empty_message}, {@code rate_limited}, {@code invalid_participants}) and by refusal results
 * (the rest). Lower snake case; never change meaning once released.
 */
public final class ChatErrors {
    /** The text is longer than the configured maximum. Exception. */
    public static final String MESSAGE_TOO_LARGE = "message_too_large";
    /** The text is empty or blank. Exception. */
    public static final String EMPTY_MESSAGE = "empty_message";
    /** The sender exceeded the per-user message rate. Exception ({@link dev.vicinity.core.RateLimitedException}). */
    public static final String RATE_LIMITED = dev.vicinity.core.ErrorCodes.RATE_LIMITED;
    /** The invitee list is empty, repeats a user, contains the inviter, or is too long. Exception. */
    public static final String INVALID_PARTICIPANTS = "invalid_participants";
    /** A sequence argument is negative. Exception. */
    public static final String INVALID_SEQUENCE = "invalid_sequence";
    /** No session with that id. Result. */
    public static final String UNKNOWN_SESSION = "unknown_session";
    /** The user is not a participant of the session. Result. */
    public static final String NOT_PARTICIPANT = "not_participant";
    /** The participant is not (or no longer) joined. Result. */
    public static final String NOT_JOINED = "not_joined";
    /** The session does not accept messages in its state. Result. */
    public static final String SESSION_NOT_ACTIVE = "session_not_active";
    /** The action is not legal in the session's (or member's) state. Result. */
    public static final String ILLEGAL_TRANSITION = dev.vicinity.core.ErrorCodes.ILLEGAL_TRANSITION;
    /** The invitee already has the maximum number of pending invites. Exception. */
    public static final String TOO_MANY_INVITES = "too_many_invites";
    /** The user invited someone they blocked; unblock first. Exception. */
    public static final String USER_BLOCKED = "user_blocked";
    /** The user may not take this action in this role (e.g. the inviter accepting). Result. */
    public static final String NOT_ALLOWED = "not_allowed";

    private ChatErrors() {}
}
