package dev.vicinity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.ConnectionStateMachine.EventKind;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Walks every (state × event kind) pair. The expected outcome is written out independently of
 * {@link ConnectionStateMachine#LEGAL_TRANSITIONS}, so a wrong table entry fails the test.
 */
class ConnectionStateMachineTest {

    // Rows: CONNECTING, OPEN, DETACHED, CLOSED. Columns: event kinds in declaration order
    // AUTHENTICATED, AUTH_TIMED_OUT, DETACHED, RESUMED, RESUME_EXPIRED, CLOSED. "-" = rejected.
    private static final String[][] EXPECTED = {
        /* CONNECTING */ {"OPEN", "CLOSED", "-", "-", "-", "CLOSED"},
        /* OPEN       */ {"-", "-", "DETACHED", "-", "-", "CLOSED"},
        /* DETACHED   */ {"-", "-", "-", "OPEN", "CLOSED", "CLOSED"},
        /* CLOSED     */ {"-", "-", "-", "-", "-", "-"},
    };

    private static ConnectionEvent sample(EventKind kind) {
        return switch (kind) {
            case AUTHENTICATED -> new ConnectionEvent.Authenticated();
            case AUTH_TIMED_OUT -> new ConnectionEvent.AuthTimedOut();
            case DETACHED -> new ConnectionEvent.Detached(CloseCode.SLOW_CONSUMER);
            case RESUMED -> new ConnectionEvent.Resumed();
            case RESUME_EXPIRED -> new ConnectionEvent.ResumeExpired();
            case CLOSED -> new ConnectionEvent.Closed(CloseCode.KICKED);
        };
    }

    @Test
    void everyStateAndEventPairMovesOrIsRejectedAsSpecified() {
        int checked = 0;
        for (ConnectionState state : ConnectionState.values()) {
            for (EventKind kind : EventKind.values()) {
                String expected = EXPECTED[state.ordinal()][kind.ordinal()];
                Transition t = ConnectionStateMachine.transition(state, sample(kind));
                assertThat(t.from()).isEqualTo(state);
                if (expected.equals("-")) {
                    assertThat(t).as("%s in %s", kind, state).isInstanceOf(Transition.Rejected.class);
                    assertThat(((Transition.Rejected) t).reason()).contains(kind.name()).contains(state.name());
                    assertThat(ConnectionStateMachine.legalEvents(state)).doesNotContain(kind);
                } else {
                    assertThat(t).as("%s in %s", kind, state).isInstanceOf(Transition.Moved.class);
                    assertThat(((Transition.Moved) t).to()).isEqualTo(ConnectionState.valueOf(expected));
                    assertThat(ConnectionStateMachine.legalEvents(state)).contains(kind);
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(ConnectionState.values().length * EventKind.values().length);
    }

    @Test
    void closingAndDetachingMovesCarryTheirCodeAndOthersCarryNone() {
        assertThat(move(ConnectionState.CONNECTING, new ConnectionEvent.Authenticated()).code()).isNull();
        assertThat(move(ConnectionState.DETACHED, new ConnectionEvent.Resumed()).code()).isNull();
        assertThat(move(ConnectionState.CONNECTING, new ConnectionEvent.AuthTimedOut()).code())
                .isEqualTo(CloseCode.AUTH_TIMEOUT);
        assertThat(move(ConnectionState.DETACHED, new ConnectionEvent.ResumeExpired()).code())
                .isEqualTo(CloseCode.RESUME_EXPIRED);
        assertThat(move(ConnectionState.OPEN, new ConnectionEvent.Detached(CloseCode.TRANSPORT_LOST)).code())
                .isEqualTo(CloseCode.TRANSPORT_LOST);
        assertThat(move(ConnectionState.OPEN, new ConnectionEvent.Closed(CloseCode.REPLACED)).code())
                .isEqualTo(CloseCode.REPLACED);
    }

    @Test
    void aCleanCloseIsNeverResumableAndDetachRefusesTerminalCodes() {
        for (CloseCode code : CloseCode.values()) {
            if (code.resumable()) {
                assertThat(new ConnectionEvent.Detached(code).code()).isEqualTo(code);
            } else {
                assertThatThrownBy(() -> new ConnectionEvent.Detached(code))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(CloseCode.NORMAL.resumable()).isFalse();
        assertThat(CloseCode.NORMAL.disposition()).isEqualTo(CloseCode.Disposition.TERMINAL);
    }

    @Test
    void theLegalTableIsUnmodifiableAndClosedIsFinal() {
        assertThatThrownBy(() -> ConnectionStateMachine.LEGAL_TRANSITIONS.get(ConnectionState.CLOSED)
                .put(EventKind.RESUMED, ConnectionState.OPEN)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ConnectionStateMachine.legalEvents(ConnectionState.CLOSED)).isEmpty();
    }

    @Test
    void theFunctionIsPure() {
        Map<ConnectionState, Transition> first = new EnumMap<>(ConnectionState.class);
        for (ConnectionState s : ConnectionState.values()) {
            first.put(s, ConnectionStateMachine.transition(s, new ConnectionEvent.Closed(CloseCode.NORMAL)));
        }
        for (ConnectionState s : ConnectionState.values()) {
            Transition again = ConnectionStateMachine.transition(s, new ConnectionEvent.Closed(CloseCode.NORMAL));
            assertThat(again.getClass()).isEqualTo(first.get(s).getClass());
            assertThat(again.moved()).isEqualTo(first.get(s).moved());
        }
    }

    private static Transition.Moved move(ConnectionState s, ConnectionEvent e) {
        return (Transition.Moved) ConnectionStateMachine.transition(s, e);
    }
}
