package dev.vicinity.core;

/**
 * Server-side state of one WebSocket connection. The legal moves are listed in
 * {@link ConnectionStateMachine#LEGAL_TRANSITIONS}; {@link ConnectionStateMachine#transition} is the
 * only function that decides them.
 *
 * <pre>
 * CONNECTING --Authenticated--&gt; OPEN --Detach(resumable code)--&gt; DETACHED --Resumed--&gt; OPEN
 *     |                           |                                  |
 *     +--AuthTimedOut/Close--&gt; CLOSED &lt;--Close(code)-----------------+--ResumeExpired/Close
 * </pre>
 */
public enum ConnectionState {
    /** Transport open, not yet authenticated; closed with {@link CloseCode#AUTH_TIMEOUT} at the deadline. */
    CONNECTING,
    /** Authenticated; the connection holds a presence lease and receives deliveries. */
    OPEN,
    /** Transport lost uncleanly; resumable with its resume token until the resume window ends. */
    DETACHED,
    /** Final. A closed connection is never resumed. */
    CLOSED;

    /** Whether the connection still counts for its user: {@code OPEN} or {@code DETACHED}. */
    public boolean isLive() {
        return this == OPEN || this == DETACHED;
    }
}
