package dev.vicinity.chat;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The chat session state machine and the per-participant membership machine, each as one pure
 * function plus a table of legal moves. Stateless and thread-safe; {@link ChatService} is the only
 * caller that applies results (through a compare-and-set on the session's version).
 */
public final class ChatSessionMachine {

    /** Event kinds, one per {@link ChatSessionEvent} record type, keying the legal-move table. */
    public enum EventKind {
        /** An invitee accepted. */
        ACCEPT,
        /** An invitee declined. */
        DECLINE,
        /** The inviter cancelled the invite. */
        CANCEL,
        /** The invite timed out. */
        EXPIRE_INVITE,
        /** The session ended. */
        END;

        /** The kind of an event. */
        public static EventKind of(ChatSessionEvent event) {
            if (event instanceof ChatSessionEvent.Accept) {
                return ACCEPT;
            } else if (event instanceof ChatSessionEvent.Decline) {
                return DECLINE;
            } else if (event instanceof ChatSessionEvent.Cancel) {
                return CANCEL;
            } else if (event instanceof ChatSessionEvent.ExpireInvite) {
                return EXPIRE_INVITE;
            } else if (event instanceof ChatSessionEvent.End) {
                return END;
            }
            throw new IllegalArgumentException("unknown event " + event);
        }
    }

    /** Inputs of the membership machine. */
    public enum MemberEvent {
        /** The participant accepted the invite. */
        JOIN,
        /** The participant declined, left or blocked. */
        LEAVE
    }

    /** Every legal (state, event kind) pair and the state it leads to; pairs not listed are rejected. Unmodifiable. */
    public static final Map<ChatSessionState, Map<EventKind, ChatSessionState>> LEGAL_TRANSITIONS = table();

    /** Every legal (member state, member event) pair and the state it leads to. Unmodifiable. */
    public static final Map<MemberState, Map<MemberEvent, MemberState>> LEGAL_MEMBER_TRANSITIONS = memberTable();

    private ChatSessionMachine() {}

    private static Map<ChatSessionState, Map<EventKind, ChatSessionState>> table() {
        Map<ChatSessionState, Map<EventKind, ChatSessionState>> t = new EnumMap<>(ChatSessionState.class);
        for (ChatSessionState s : ChatSessionState.values()) {
            t.put(s, new EnumMap<>(EventKind.class));
        }
        Objects.requireNonNull(t.get(ChatSessionState.INVITED)).put(EventKind.ACCEPT, ChatSessionState.ACTIVE);
        Objects.requireNonNull(t.get(ChatSessionState.INVITED)).put(EventKind.DECLINE, ChatSessionState.DECLINED);
        Objects.requireNonNull(t.get(ChatSessionState.INVITED)).put(EventKind.CANCEL, ChatSessionState.CANCELLED);
        Objects.requireNonNull(t.get(ChatSessionState.INVITED)).put(EventKind.EXPIRE_INVITE, ChatSessionState.EXPIRED);
        Objects.requireNonNull(t.get(ChatSessionState.ACTIVE)).put(EventKind.END, ChatSessionState.ENDED);
        Map<ChatSessionState, Map<EventKind, ChatSessionState>> frozen = new EnumMap<>(ChatSessionState.class);
        t.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
        return Collections.unmodifiableMap(frozen);
    }

    private static Map<MemberState, Map<MemberEvent, MemberState>> memberTable() {
        Map<MemberState, Map<MemberEvent, MemberState>> t = new EnumMap<>(MemberState.class);
        for (MemberState s : MemberState.values()) {
            t.put(s, new EnumMap<>(MemberEvent.class));
        }
        Objects.requireNonNull(t.get(MemberState.INVITED)).put(MemberEvent.JOIN, MemberState.JOINED);
        Objects.requireNonNull(t.get(MemberState.INVITED)).put(MemberEvent.LEAVE, MemberState.LEFT);
        Objects.requireNonNull(t.get(MemberState.JOINED)).put(MemberEvent.LEAVE, MemberState.LEFT);
        Map<MemberState, Map<MemberEvent, MemberState>> frozen = new EnumMap<>(MemberState.class);
        t.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
        return Collections.unmodifiableMap(frozen);
    }

    /** The event kinds legal in {@code state}. */
    public static Set<EventKind> legalEvents(ChatSessionState state) {
        Map<EventKind, ChatSessionState> m = Objects.requireNonNull(LEGAL_TRANSITIONS.get(state));
        return m.isEmpty() ? EnumSet.noneOf(EventKind.class) : EnumSet.copyOf(m.keySet());
    }

    /**
     * Applies {@code event} to {@code state}. Pure: no side effects, same answer for the same input. O(1).
     *
     * @return {@link SessionTransition.Moved} (with the end reason for moves into {@code ENDED}) or
     *     {@link SessionTransition.Rejected} with a human-readable reason
     */
    public static SessionTransition transition(ChatSessionState state, ChatSessionEvent event) {
        EventKind kind = EventKind.of(event);
        ChatSessionState to = Objects.requireNonNull(LEGAL_TRANSITIONS.get(state)).get(kind);
        if (to == null) {
            return new SessionTransition.Rejected(state, event, kind + " is not legal in " + state);
        }
        EndReason reason = event instanceof ChatSessionEvent.End e ? e.reason() : null;
        return new SessionTransition.Moved(state, to, reason);
    }

    /** Applies a membership event; empty if it is not legal in {@code state}. Pure, O(1). */
    public static Optional<MemberState> memberTransition(MemberState state, MemberEvent event) {
        return Optional.ofNullable(Objects.requireNonNull(LEGAL_MEMBER_TRANSITIONS.get(state)).get(event));
    }
}
