package dev.vicinity.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The connection state machine as one pure function plus its table of legal moves. Stateless and
 * thread-safe; {@link ConnectionRegistry} holds the current state per connection and is the only
 * caller that applies results.
 */
public final class ConnectionStateMachine {

    /** Event kinds, one per {@link ConnectionEvent} record type, used to key the legal-move table. */
    public enum EventKind {
        /** The host authenticated the connection. */
        AUTHENTICATED,
        /** No authentication within the deadline. */
        AUTH_TIMED_OUT,
        /** The transport was lost or detached; the connection may be resumed. */
        DETACHED,
        /** A resume re-attached the connection. */
        RESUMED,
        /** The resume window passed. */
        RESUME_EXPIRED,
        /** The connection was closed. */
        CLOSED;

        /** The kind of an event. */
        public static EventKind of(ConnectionEvent event) {
            if (event instanceof ConnectionEvent.Authenticated) {
                return AUTHENTICATED;
            } else if (event instanceof ConnectionEvent.AuthTimedOut) {
                return AUTH_TIMED_OUT;
            } else if (event instanceof ConnectionEvent.Detached) {
                return DETACHED;
            } else if (event instanceof ConnectionEvent.Resumed) {
                return RESUMED;
            } else if (event instanceof ConnectionEvent.ResumeExpired) {
                return RESUME_EXPIRED;
            } else if (event instanceof ConnectionEvent.Closed) {
                return CLOSED;
            }
            throw new IllegalArgumentException("unknown event " + event);
        }
    }

    /**
     * Every legal (state, event kind) pair and the state it leads to. Pairs not listed are rejected.
     * Unmodifiable.
     */
    public static final Map<ConnectionState, Map<EventKind, ConnectionState>> LEGAL_TRANSITIONS = table();

    private ConnectionStateMachine() {}

    private static Map<ConnectionState, Map<EventKind, ConnectionState>> table() {
        Map<ConnectionState, Map<EventKind, ConnectionState>> t = new EnumMap<>(ConnectionState.class);
        for (ConnectionState s : ConnectionState.values()) {
            t.put(s, new EnumMap<>(EventKind.class));
        }
        allow(t, ConnectionState.CONNECTING, EventKind.AUTHENTICATED, ConnectionState.OPEN);
        allow(t, ConnectionState.CONNECTING, EventKind.AUTH_TIMED_OUT, ConnectionState.CLOSED);
        // Losing the transport before authentication leaves nothing to resume.
        allow(t, ConnectionState.CONNECTING, EventKind.CLOSED, ConnectionState.CLOSED);
        allow(t, ConnectionState.OPEN, EventKind.DETACHED, ConnectionState.DETACHED);
        allow(t, ConnectionState.OPEN, EventKind.CLOSED, ConnectionState.CLOSED);
        allow(t, ConnectionState.DETACHED, EventKind.RESUMED, ConnectionState.OPEN);
        allow(t, ConnectionState.DETACHED, EventKind.RESUME_EXPIRED, ConnectionState.CLOSED);
        allow(t, ConnectionState.DETACHED, EventKind.CLOSED, ConnectionState.CLOSED);
        Map<ConnectionState, Map<EventKind, ConnectionState>> frozen = new EnumMap<>(ConnectionState.class);
        t.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
        return Collections.unmodifiableMap(frozen);
    }

    private static void allow(Map<ConnectionState, Map<EventKind, ConnectionState>> t, ConnectionState from,
            EventKind kind, ConnectionState to) {
        Objects.requireNonNull(t.get(from)).put(kind, to); // every state has a row
    }

    /** The event kinds legal in {@code state}. */
    public static Set<EventKind> legalEvents(ConnectionState state) {
        Map<EventKind, ConnectionState> m = Objects.requireNonNull(LEGAL_TRANSITIONS.get(state));
        return m.isEmpty() ? EnumSet.noneOf(EventKind.class) : EnumSet.copyOf(m.keySet());
    }

    /**
     * Applies {@code event} to {@code state}. Pure: no side effects, same answer for the same input.
     *
     * @return {@link Transition.Moved} with the close code (for moves into {@code DETACHED} or
     *     {@code CLOSED}) or {@link Transition.Rejected} with a reason
     */
    public static Transition transition(ConnectionState state, ConnectionEvent event) {
        EventKind kind = EventKind.of(event);
        ConnectionState to = Objects.requireNonNull(LEGAL_TRANSITIONS.get(state)).get(kind);
        if (to == null) {
            return new Transition.Rejected(state, event, kind + " is not legal in " + state);
        }
        @Nullable CloseCode code;
        if (event instanceof ConnectionEvent.Detached d) {
            code = d.code();
        } else if (event instanceof ConnectionEvent.Closed c) {
            code = c.code();
        } else if (event instanceof ConnectionEvent.AuthTimedOut) {
            code = CloseCode.AUTH_TIMEOUT;
        } else if (event instanceof ConnectionEvent.ResumeExpired) {
            code = CloseCode.RESUME_EXPIRED;
        } else {
            code = null;
        }
        return new Transition.Moved(state, to, code);
    }
}
