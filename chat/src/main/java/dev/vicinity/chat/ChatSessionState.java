package dev.vicinity.chat;

/**
 * State of a chat session. The legal moves are listed in {@link ChatSessionMachine#LEGAL_TRANSITIONS};
 * {@link ChatSessionMachine#transition} is the only function that decides them.
 *
 * <pre>
 *            +--Accept--------&gt; ACTIVE --End(reason)--&gt; ENDED{left|idle_timeout|blocked|peer_gone|moderated}
 * INVITED ---+--Decline-------&gt; DECLINED
 *            +--Cancel--------&gt; CANCELLED
 *            +--ExpireInvite--&gt; EXPIRED
 * </pre>
 *
 * <p>Only {@code ACTIVE} accepts messages. {@code DECLINED}, {@code CANCELLED}, {@code EXPIRED} and
 * {@code ENDED} are terminal: no event moves a session out of them.
 */
public enum ChatSessionState {
    /** Created by the inviter; waiting for an invitee to accept until the invite expires. */
    INVITED("invited"),
    /** Accepted; members exchange messages until the session ends. */
    ACTIVE("active"),
    /** Terminal: the (last pending) invitee declined. */
    DECLINED("declined"),
    /** Terminal: the inviter withdrew the invite. */
    CANCELLED("cancelled"),
    /** Terminal: nobody accepted before the invite timeout. */
    EXPIRED("expired"),
    /** Terminal: the session ran and ended; see {@link EndReason}. */
    ENDED("ended");

    private final String wireName;

    ChatSessionState(String wireName) {
        this.wireName = wireName;
    }

    /** Stable lower-snake-case name used on the wire, in logs and in listener events. */
    public String wireName() {
        return wireName;
    }

    /** True for states no event can leave. */
    public boolean isTerminal() {
        return this != INVITED && this != ACTIVE;
    }
}
