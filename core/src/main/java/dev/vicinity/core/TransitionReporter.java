package dev.vicinity.core;

import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies and reports the state changes of a {@link ConnectionRegistry}'s connections: every move and
 * every rejected event goes to the listener (already isolating) and the debug log, and transport
 * handles are closed without letting their failures escape. Thread-safe. Not API.
 */
final class TransitionReporter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRegistry.class);

    private final VicinityListener listener;
    private final Clock clock;

    TransitionReporter(VicinityListener listener, Clock clock) {
        this.listener = listener;
        this.clock = clock;
    }

    /** Applies {@code m} to {@code e} and reports it; call with the entry's lock held. */
    void moved(ConnectionEntry e, Transition.Moved m) {
        Instant now = clock.instant();
        e.state = m.to();
        e.since = now;
        listener.onConnectionStateChanged(new ConnectionStateChange(e.id, e.user, m.from(), m.to(), m.code(), now));
        LOG.debug("connection {} user {} {} -> {} ({})", e.id, e.user, m.from(), m.to(),
                m.code() == null ? "-" : m.code().wireName());
    }

    /** Reports a rejected event of {@code e} and returns {@code t}. */
    Transition rejected(ConnectionEntry e, Transition t) {
        Transition.Rejected r = (Transition.Rejected) t;
        listener.onConnectionTransitionRejected(e.id, r.from(), ConnectionStateMachine.EventKind.of(r.event()).name());
        LOG.debug("connection {} rejected event: {}", e.id, r.reason());
        return t;
    }

    /** Reports an event for a connection this registry does not hold (forgotten ones are closed ones). */
    Transition unknown(ConnectionId id, ConnectionEvent event) {
        Transition t = new Transition.Rejected(ConnectionState.CLOSED, event, "unknown or closed connection");
        listener.onConnectionTransitionRejected(id, ConnectionState.CLOSED, ConnectionStateMachine.EventKind.of(event).name());
        return t;
    }

    /** Tells {@code handle} (if any) to close with {@code code}; its failure is logged, never thrown. */
    void closeHandle(ConnectionId id, @Nullable ConnectionHandle handle, CloseCode code) {
        if (handle == null) {
            return;
        }
        try {
            handle.close(code);
        } catch (RuntimeException ex) {
            LOG.warn("connection handle of {} failed to close", id, ex);
        }
    }
}
