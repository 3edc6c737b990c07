package dev.vicinity.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ChatSessionMachine.EventKind;
import dev.vicinity.chat.ChatSessionMachine.MemberEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatSessionMachineTest {

    /** One instance of every event kind; END in every reason. */
    private static final List<ChatSessionEvent> EVENTS = List.of(new ChatSessionEvent.Accept(),
            new ChatSessionEvent.Decline(), new ChatSessionEvent.Cancel(), new ChatSessionEvent.ExpireInvite(),
            new ChatSessionEvent.End(EndReason.LEFT), new ChatSessionEvent.End(EndReason.IDLE_TIMEOUT),
            new ChatSessionEvent.End(EndReason.BLOCKED), new ChatSessionEvent.End(EndReason.PEER_GONE),
            new ChatSessionEvent.End(EndReason.MODERATED));

    /** The expected table, written out independently of the implementation's. */
    private static ChatSessionState expected(ChatSessionState s, ChatSessionEvent e) {
        return switch (s) {
            case INVITED -> e instanceof ChatSessionEvent.Accept ? ChatSessionState.ACTIVE
                    : e instanceof ChatSessionEvent.Decline ? ChatSessionState.DECLINED
                    : e instanceof ChatSessionEvent.Cancel ? ChatSessionState.CANCELLED
                    : e instanceof ChatSessionEvent.ExpireInvite ? ChatSessionState.EXPIRED
                    : null;
            case ACTIVE -> e instanceof ChatSessionEvent.End ? ChatSessionState.ENDED : null;
            default -> null;
        };
    }

    @Test
    void everyStateTimesEveryEvent() {
        int moved = 0;
        for (ChatSessionState s : ChatSessionState.values()) {
            for (ChatSessionEvent e : EVENTS) {
                SessionTransition t = ChatSessionMachine.transition(s, e);
                ChatSessionState want = expected(s, e);
                assertThat(t.from()).isEqualTo(s);
                if (want == null) {
                    assertThat(t).as("%s x %s", s, e).isInstanceOf(SessionTransition.Rejected.class);
                    assertThat(((SessionTransition.Rejected) t).event()).isEqualTo(e);
                } else {
                    moved++;
                    EndReason reason = e instanceof ChatSessionEvent.End end ? end.reason() : null;
                    assertThat(t).as("%s x %s", s, e).isEqualTo(new SessionTransition.Moved(s, want, reason));
                }
            }
        }
        assertThat(moved).isEqualTo(4 + 5);
    }

    @Test
    void tableAndLegalEventsAgreeAndTerminalStatesAreSinks() {
        for (ChatSessionState s : ChatSessionState.values()) {
            Map<EventKind, ChatSessionState> row = ChatSessionMachine.LEGAL_TRANSITIONS.get(s);
            assertThat(ChatSessionMachine.legalEvents(s)).containsExactlyInAnyOrderElementsOf(row.keySet());
            assertThat(row.isEmpty()).isEqualTo(s.isTerminal());
        }
        assertThat(ChatSessionState.ACTIVE.isTerminal()).isFalse();
        assertThat(ChatSessionState.INVITED.isTerminal()).isFalse();
    }

    @Test
    void everyMemberStateTimesEveryMemberEvent() {
        for (MemberState s : MemberState.values()) {
            for (MemberEvent e : MemberEvent.values()) {
                Optional<MemberState> want = switch (s) {
                    case INVITED -> Optional.of(e == MemberEvent.JOIN ? MemberState.JOINED : MemberState.LEFT);
                    case JOINED -> e == MemberEvent.LEAVE ? Optional.of(MemberState.LEFT) : Optional.empty();
                    case LEFT -> Optional.empty();
                };
                assertThat(ChatSessionMachine.memberTransition(s, e)).as("%s x %s", s, e).isEqualTo(want);
            }
        }
    }

    @Test
    void wireNamesAreStableLowerSnakeCase() {
        assertThat(List.of(ChatSessionState.values())).extracting(ChatSessionState::wireName)
                .containsExactly("invited", "active", "declined", "cancelled", "expired", "ended");
        assertThat(List.of(EndReason.values())).extracting(EndReason::wireName)
                .containsExactly("left", "idle_timeout", "blocked", "peer_gone", "moderated");
    }
}
