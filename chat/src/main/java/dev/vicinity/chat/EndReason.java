package dev.vicinity.chat;

/** Why an {@code ACTIVE} session became {@link ChatSessionState#ENDED}. */
public enum EndReason {
    /** Fewer than two members remained joined after a leave. */
    LEFT("left"),
    /** No message for the configured idle timeout. */
    IDLE_TIMEOUT("idle_timeout"),
    /** A member blocked another member. */
    BLOCKED("blocked"),
    /** A member went offline (presence reported them gone after the grace period). */
    PEER_GONE("peer_gone"),
    /** The host or a moderator ended it. */
    MODERATED("moderated");

    private final String wireName;

    EndReason(String wireName) {
        this.wireName = wireName;
    }

    /** Stable lower-snake-case name used on the wire, in logs and in listener events. */
    public String wireName() {
        return wireName;
    }
}
