package dev.vicinity.chat.memory;

import static dev.vicinity.chat.memory.ChatFixture.ALICE;
import static dev.vicinity.chat.memory.ChatFixture.BOB;
import static dev.vicinity.chat.memory.ChatFixture.CAROL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.chat.ActionResult;
import dev.vicinity.chat.ChatErrors;
import dev.vicinity.chat.ChatEvent;
import dev.vicinity.chat.ChatMessage;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.ChatTick;
import dev.vicinity.chat.EndReason;
import dev.vicinity.chat.MemberState;
import dev.vicinity.chat.SendResult;
import dev.vicinity.chat.SessionView;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChatServiceTest {
    private final ChatFixture fx = new ChatFixture();
    private final ChatFixture.Node node = fx.node("n1");
    private final ChatService chat = node.chat();

    private ChatSession activeSession() {
        ChatSession s = chat.invite(ALICE, List.of(BOB));
        assertThat(chat.accept(s.id(), BOB).done()).isTrue();
        return chat.session(s.id()).orElseThrow();
    }

    private SendResult send(SessionId id, UserId from, String clientId, String text) {
        return chat.send(id, from, MessageId.of(clientId), text);
    }

    private long seq(SendResult r) {
        return ((SendResult.Stored) r).message().sequence();
    }

    private static String code(Object r) {
        if (r instanceof ActionResult.Refused x) {
            return x.code();
        }
        if (r instanceof SendResult.Refused x) {
            return x.code();
        }
        return "done";
    }

    @Nested
    class Lifecycle {
        @Test
        void inviteAcceptActivatesAndStartsTheIdleClock() {
            ChatSession s = chat.invite(ALICE, List.of(BOB));
            assertThat(s.state()).isEqualTo(ChatSessionState.INVITED);
            assertThat(s.participant(ALICE).orElseThrow().state()).isEqualTo(MemberState.JOINED);
            assertThat(s.participant(BOB).orElseThrow().state()).isEqualTo(MemberState.INVITED);
            assertThat(s.timeoutAt()).isEqualTo(fx.clock.instant().plus(Duration.ofMinutes(2)));
            fx.clock.advance(Duration.ofSeconds(5));
            ActionResult r = chat.accept(s.id(), BOB);
            ChatSession a = ((ActionResult.Done) r).session();
            assertThat(a.state()).isEqualTo(ChatSessionState.ACTIVE);
            assertThat(a.version()).isEqualTo(2);
            assertThat(a.activatedAt()).isEqualTo(fx.clock.instant());
            assertThat(a.timeoutAt()).isEqualTo(fx.clock.instant().plus(Duration.ofMinutes(30)));
            assertThat(a.joinedCount()).isEqualTo(2);
            assertThat(fx.listener.startingWith("changed")).containsExactly("changed null->invited",
                    "changed invited->active");
        }

        @Test
        void inviteValidatesParticipants() {
            assertThatThrownBy(() -> chat.invite(ALICE, List.of()))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.code()).isEqualTo(ChatErrors.INVALID_PARTICIPANTS));
            assertThatThrownBy(() -> chat.invite(ALICE, List.of(ALICE)))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.code()).isEqualTo(ChatErrors.INVALID_PARTICIPANTS));
            // default maxParticipants is 2
            assertThatThrownBy(() -> chat.invite(ALICE, List.of(BOB, CAROL)))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.code()).isEqualTo(ChatErrors.INVALID_PARTICIPANTS));
            assertThat(fx.sessions.size()).isZero();
        }

        @Test
        void onlyInviteesAcceptAndOnlyTheInviterCancels() {
            ChatSession s = chat.invite(ALICE, List.of(BOB));
            assertThat(code(chat.accept(s.id(), ALICE))).isEqualTo(ChatErrors.ILLEGAL_TRANSITION);
            assertThat(code(chat.accept(s.id(), CAROL))).isEqualTo(ChatErrors.NOT_PARTICIPANT);
            assertThat(code(chat.cancel(s.id(), BOB))).isEqualTo(ChatErrors.NOT_ALLOWED);
            assertThat(code(chat.decline(s.id(), ALICE))).isEqualTo(ChatErrors.NOT_ALLOWED);
            assertThat(code(chat.accept(SessionId.of("nope"), BOB))).isEqualTo(ChatErrors.UNKNOWN_SESSION);
            assertThat(chat.session(s.id()).orElseThrow().version()).isEqualTo(1);
            assertThat(code(chat.cancel(s.id(), ALICE))).isEqualTo("done");
            ChatSession c = chat.session(s.id()).orElseThrow();
            assertThat(c.state()).isEqualTo(ChatSessionState.CANCELLED);
            assertThat(c.endedAt()).isEqualTo(fx.clock.instant());
            assertThat(code(chat.accept(s.id(), BOB))).isEqualTo(ChatErrors.ILLEGAL_TRANSITION);
        }

        @Test
        void declineEndsATwoPersonInvite() {
            ChatSession s = chat.invite(ALICE, List.of(BOB));
            assertThat(code(chat.decline(s.id(), BOB))).isEqualTo("done");
            ChatSession d = chat.session(s.id()).orElseThrow();
            assertThat(d.state()).isEqualTo(ChatSessionState.DECLINED);
            assertThat(d.participant(BOB).orElseThrow().state()).isEqualTo(MemberState.LEFT);
        }

        @Test
        void invitesExpireOnTickDrivenByTheClock() {
            ChatSession s = chat.invite(ALICE, List.of(BOB));
            fx.clock.advance(Duration.ofMinutes(2).minusMillis(1));
            assertThat(chat.tick()).isEqualTo(new ChatTick(0, 0, 0));
            assertThat(chat.session(s.id()).orElseThrow().state()).isEqualTo(ChatSessionState.INVITED);
            fx.clock.advance(Duration.ofMillis(1));
            assertThat(chat.tick()).isEqualTo(new ChatTick(1, 0, 0));
            assertThat(chat.session(s.id()).orElseThrow().state()).isEqualTo(ChatSessionState.EXPIRED);
            assertThat(code(chat.accept(s.id(), BOB))).isEqualTo(ChatErrors.ILLEGAL_TRANSITION);
            assertThat(chat.tick()).isEqualTo(new ChatTick(0, 0, 0));
        }

        @Test
        void idleSessionsEndAndTrafficExtendsTheDeadline() {
            ChatSession s = activeSession();
            fx.clock.advance(Duration.ofMinutes(20));
            send(s.id(), ALICE, "m1", "still here");
            fx.clock.advance(Duration.ofMinutes(10)); // original deadline
            assertThat(chat.tick()).isEqualTo(new ChatTick(0, 0, 1));
            assertThat(chat.session(s.id()).orElseThrow().state()).isEqualTo(ChatSessionState.ACTIVE);
            assertThat(chat.session(s.id()).orElseThrow().timeoutAt())
                    .isEqualTo(fx.clock.instant().plus(Duration.ofMinutes(20)));
            fx.clock.advance(Duration.ofMinutes(20));
            assertThat(chat.tick()).isEqualTo(new ChatTick(0, 1, 0));
            ChatSession e = chat.session(s.id()).orElseThrow();
            assertThat(e.state()).isEqualTo(ChatSessionState.ENDED);
            assertThat(e.endReason()).isEqualTo(EndReason.IDLE_TIMEOUT);
            assertThat(fx.listener.events).contains("changed active->ended idle_timeout");
        }

        @Test
        void leaveEndsATwoPersonSession() {
            ChatSession s = activeSession();
            assertThat(code(chat.leave(s.id(), BOB))).isEqualTo("done");
            ChatSession e = chat.session(s.id()).orElseThrow();
            assertThat(e.state()).isEqualTo(ChatSessionState.ENDED);
            assertThat(e.endReason()).isEqualTo(EndReason.LEFT);
            assertThat(e.participant(BOB).orElseThrow().state()).isEqualTo(MemberState.LEFT);
            assertThat(e.participant(ALICE).orElseThrow().state()).isEqualTo(MemberState.JOINED);
            assertThat(e.endedAt()).isEqualTo(fx.clock.instant());
            assertThat(e.participantIds()).containsExactly(ALICE, BOB);
            assertThat(code(chat.leave(s.id(), BOB))).isEqualTo(ChatErrors.ILLEGAL_TRANSITION);
        }

        @Test
        void leavingAnInviteIsCancelOrDecline() {
            ChatSession s1 = chat.invite(ALICE, List.of(BOB));
            chat.leave(s1.id(), ALICE);
            assertThat(chat.session(s1.id()).orElseThrow().state()).isEqualTo(ChatSessionState.CANCELLED);
            ChatSession s2 = chat.invite(ALICE, List.of(BOB));
            chat.leave(s2.id(), BOB);
            assertThat(chat.session(s2.id()).orElseThrow().state()).isEqualTo(ChatSessionState.DECLINED);
        }

        @Test
        void moderationAndPeerGone() {
            ChatSession s1 = activeSession();
            assertThat(code(chat.moderate(s1.id()))).isEqualTo("done");
            assertThat(chat.session(s1.id()).orElseThrow().endReason()).isEqualTo(EndReason.MODERATED);
            assertThat(code(chat.moderate(s1.id()))).isEqualTo(ChatErrors.ILLEGAL_TRANSITION);

            ChatSession s2 = activeSession();
            ChatSession invite = chat.invite(BOB, List.of(CAROL));
            chat.onPresenceChange(new PresenceChange(BOB, false, fx.clock.instant(), NodeId.of("n1")));
            assertThat(chat.session(s2.id()).orElseThrow().endReason()).isEqualTo(EndReason.PEER_GONE);
            assertThat(chat.session(invite.id()).orElseThrow().state()).isEqualTo(ChatSessionState.CANCELLED);
            assertThat(chat.peerGone(BOB)).isZero();
        }

        @Test
        void groupSessionsSurviveOneLeaverAndEndWithTheSecondLast() {
            ChatService group = fx.node("g", b -> b.maxParticipants(3)).chat();
            ChatSession s = group.invite(ALICE, List.of(BOB, CAROL));
            group.accept(s.id(), BOB);
            assertThat(group.session(s.id()).orElseThrow().state()).isEqualTo(ChatSessionState.ACTIVE);
            assertThat(code(group.accept(s.id(), CAROL))).isEqualTo("done");
            assertThat(group.session(s.id()).orElseThrow().joinedCount()).isEqualTo(3);
            group.leave(s.id(), ALICE);
            ChatSession after = group.session(s.id()).orElseThrow();
            assertThat(after.state()).isEqualTo(ChatSessionState.ACTIVE);
            assertThat(after.joinedCount()).isEqualTo(2);
            assertThat(code(group.send(s.id(), ALICE, MessageId.of("x"), "hi")))
                    .isEqualTo(ChatErrors.NOT_JOINED);
            assertThat(group.send(s.id(), BOB, MessageId.of("y"), "hi")).isInstanceOf(SendResult.Stored.class);
            group.leave(s.id(), CAROL);
            assertThat(group.session(s.id()).orElseThrow().state()).isEqualTo(ChatSessionState.ENDED);
        }
    }

    @Nested
    class Messages {
        @Test
        void noMessageOutsideActive() {
            ChatSession s = chat.invite(ALICE, List.of(BOB));
            assertThat(code(send(s.id(), ALICE, "m1", "too early"))).isEqualTo(ChatErrors.SESSION_NOT_ACTIVE);
            chat.accept(s.id(), BOB);
            chat.leave(s.id(), BOB);
            assertThat(code(send(s.id(), ALICE, "m2", "too late"))).isEqualTo(ChatErrors.SESSION_NOT_ACTIVE);
            assertThat(code(send(s.id(), CAROL, "m3", "stranger"))).isEqualTo(ChatErrors.NOT_PARTICIPANT);
            assertThat(code(send(SessionId.of("nope"), ALICE, "m4", "x"))).isEqualTo(ChatErrors.UNKNOWN_SESSION);
            assertThat(fx.messageStore.bounds(s.id()).top()).isZero();
            assertThat(fx.listener.startingWith("rejected")).containsExactly("rejected session_not_active",
                    "rejected session_not_active", "rejected not_participant", "rejected unknown_session");
        }

        @Test
        void sequencesAreAssignedInOrderAndResendIsIdempotent() {
            ChatSession s = activeSession();
            assertThat(seq(send(s.id(), ALICE, "a1", "one"))).isEqualTo(1);
            assertThat(seq(send(s.id(), BOB, "b1", "two"))).isEqualTo(2);
            SendResult again = send(s.id(), ALICE, "a1", "one");
            assertThat(again).isEqualTo(new SendResult.Stored(
                    fx.messageStore.range(s.id(), 0, 1).get(0), true));
            assertThat(seq(send(s.id(), ALICE, "a2", "three"))).isEqualTo(3);
            assertThat(fx.listener.startingWith("stored")).containsExactly("stored 1", "stored 2", "stored 3");
        }

        @Test
        void textLimitsAreTypedErrorsAndStoreNothing() {
            ChatService small = fx.node("small", b -> b.maxMessageLength(5)).chat();
            ChatSession s = activeSession();
            assertThatThrownBy(() -> small.send(s.id(), ALICE, MessageId.of("x"), "123456"))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.code()).isEqualTo(ChatErrors.MESSAGE_TOO_LARGE));
            assertThatThrownBy(() -> small.send(s.id(), ALICE, MessageId.of("y"), "  "))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.code()).isEqualTo(ChatErrors.EMPTY_MESSAGE));
            assertThat(small.send(s.id(), ALICE, MessageId.of("z"), "12345")).isInstanceOf(SendResult.Stored.class);
            assertThat(fx.messageStore.bounds(s.id()).top()).isEqualTo(1);
            assertThat(fx.listener.startingWith("rejected")).containsExactly("rejected message_too_large",
                    "rejected empty_message");
        }

        @Test
        void perUserRateLimitRefillsWithTheClock() {
            ChatService limited = fx.node("lim", b -> b.messageRate(1, 3)).chat();
            ChatSession s = activeSession();
            for (int i = 0; i < 3; i++) {
                limited.send(s.id(), ALICE, MessageId.of("a" + i), "x");
            }
            assertThatThrownBy(() -> limited.send(s.id(), ALICE, MessageId.of("a3"), "x"))
                    .isInstanceOfSatisfying(RateLimitedException.class, e -> {
                        assertThat(e.code()).isEqualTo("rate_limited");
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                    });
            // Bob has his own bucket.
            assertThat(limited.send(s.id(), BOB, MessageId.of("b0"), "x")).isInstanceOf(SendResult.Stored.class);
            assertThat(fx.messageStore.bounds(s.id()).top()).isEqualTo(4);
            fx.clock.advance(Duration.ofSeconds(1));
            assertThat(limited.send(s.id(), ALICE, MessageId.of("a3"), "x")).isInstanceOf(SendResult.Stored.class);
            assertThat(fx.listener.startingWith("rejected")).containsExactly("rejected rate_limited");
        }
    }

    @Nested
    class Delivery {
        @Test
        void joinedMembersGetEveryMessageOnceInOrderWithLatency() {
            ConnectionId a = node.conns().connect(ALICE);
            ConnectionId b = node.conns().connect(BOB);
            chat.attach(ALICE);
            chat.attach(BOB);
            ChatSession s = activeSession();
            fx.clock.advance(Duration.ofMillis(3));
            for (int i = 1; i <= 5; i++) {
                send(s.id(), i % 2 == 0 ? ALICE : BOB, "m" + i, "text " + i);
            }
            assertThat(node.conns().sequences(a)).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(node.conns().sequences(b)).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(node.conns().messages(a).get(0).text()).isEqualTo("text 1");
            assertThat(fx.listener.startingWith("delivered")).hasSize(5).allMatch(e -> e.endsWith("to 2"));
            assertThat(fx.listener.latencies).containsOnly(0L);
            // the invite and the accept reached both users as session notices
            assertThat(node.conns().eventsOf(b, ChatEvent.SessionChanged.class))
                    .extracting(e -> e.snapshot().state())
                    .containsSubsequence(ChatSessionState.INVITED, ChatSessionState.ACTIVE);
        }

        @Test
        void afterLeaveTheLeaverReceivesNothing() {
            ChatFixture.Node g = fx.node("g2", b -> b.maxParticipants(3));
            ConnectionId a = g.conns().connect(ALICE);
            ConnectionId c = g.conns().connect(CAROL);
            g.chat().attach(ALICE);
            g.chat().attach(CAROL);
            ChatSession s = g.chat().invite(ALICE, List.of(BOB, CAROL));
            g.chat().accept(s.id(), BOB);
            g.chat().accept(s.id(), CAROL);
            g.chat().send(s.id(), BOB, MessageId.of("1"), "before");
            g.chat().leave(s.id(), CAROL);
            g.chat().send(s.id(), BOB, MessageId.of("2"), "after");
            assertThat(g.conns().sequences(c)).containsExactly(1L);
            assertThat(g.conns().sequences(a)).containsExactly(1L, 2L);
            // Carol was told she left, and nothing about the session after that.
            List<ChatEvent> last = g.conns().events(c);
            assertThat(last.get(last.size() - 1)).isInstanceOfSatisfying(ChatEvent.SessionChanged.class,
                    e -> assertThat(e.snapshot().participant(CAROL).orElseThrow().state()).isEqualTo(MemberState.LEFT));
        }

        @Test
        void blockEndsTheSessionRecordsTheBlockAndSilencesBoth() {
            ConnectionId a = node.conns().connect(ALICE);
            ConnectionId b = node.conns().connect(BOB);
            chat.attach(ALICE);
            chat.attach(BOB);
            ChatSession s = activeSession();
            send(s.id(), ALICE, "1", "hi");
            assertThat(code(chat.block(s.id(), BOB, ALICE))).isEqualTo("done");
            assertThat(fx.blocks).containsExactly("bob>alice");
            ChatSession e = chat.session(s.id()).orElseThrow();
            assertThat(e.state()).isEqualTo(ChatSessionState.ENDED);
            assertThat(e.endReason()).isEqualTo(EndReason.BLOCKED);
            assertThat(e.participant(ALICE).orElseThrow().state()).isEqualTo(MemberState.LEFT);
            assertThat(e.participant(BOB).orElseThrow().state()).isEqualTo(MemberState.LEFT);
            assertThat(code(send(s.id(), ALICE, "2", "hello?"))).isEqualTo(ChatErrors.SESSION_NOT_ACTIVE);
            assertThat(node.conns().sequences(a)).containsExactly(1L);
            assertThat(node.conns().sequences(b)).containsExactly(1L);
            // blocking again after the end still records (idempotent for the recorder), session unchanged
            assertThat(code(chat.block(s.id(), ALICE, BOB))).isEqualTo("done");
            assertThat(fx.blocks).containsExactly("bob>alice", "alice>bob");
            assertThat(chat.session(s.id()).orElseThrow().version()).isEqualTo(e.version());
            assertThatThrownBy(() -> chat.block(s.id(), ALICE, ALICE)).isInstanceOf(InvalidInputException.class);
            assertThat(code(chat.block(s.id(), ALICE, CAROL))).isEqualTo(ChatErrors.NOT_PARTICIPANT);
            assertThat(fx.blocks).hasSize(2);
        }

        @Test
        void blockingAnInviteDeclinesIt() {
            ChatSession s = chat.invite(ALICE, List.of(BOB));
            chat.block(s.id(), BOB, ALICE);
            assertThat(chat.session(s.id()).orElseThrow().state()).isEqualTo(ChatSessionState.DECLINED);
            assertThat(fx.blocks).containsExactly("bob>alice");
        }
    }

    @Nested
    class TypingAndReadMarkers {
        @Test
        void typingIsThrottledAndExpiresByItself() {
            ConnectionId a = node.conns().connect(ALICE);
            ConnectionId b = node.conns().connect(BOB);
            chat.attach(ALICE);
            chat.attach(BOB);
            ChatSession s = activeSession();
            assertThat(chat.typing(s.id(), ALICE)).isTrue();
            assertThat(chat.typing(s.id(), ALICE)).isFalse();
            assertThat(chat.typingUsers(s.id())).containsExactly(ALICE);
            assertThat(node.conns().eventsOf(b, ChatEvent.Typing.class)).hasSize(1)
                    .allMatch(t -> t.expiresAt().equals(fx.clock.instant().plusSeconds(6)));
            assertThat(node.conns().eventsOf(a, ChatEvent.Typing.class)).isEmpty();
            fx.clock.advance(Duration.ofSeconds(2));
            assertThat(chat.typing(s.id(), ALICE)).isTrue();
            fx.clock.advance(Duration.ofSeconds(6));
            assertThat(chat.typingUsers(s.id())).isEmpty();
            assertThat(chat.typing(s.id(), CAROL)).isFalse();
            chat.tick();
        }

        @Test
        void readMarkersMoveForwardOnlyAndDriveUnread() {
            ConnectionId a = node.conns().connect(ALICE);
            chat.attach(ALICE);
            ChatSession s = activeSession();
            for (int i = 1; i <= 4; i++) {
                send(s.id(), BOB, "m" + i, "x");
            }
            assertThat(chat.unread(s.id(), ALICE)).hasValue(4);
            assertThat(code(chat.markRead(s.id(), ALICE, 3))).isEqualTo("done");
            assertThat(chat.unread(s.id(), ALICE)).hasValue(1);
            chat.markRead(s.id(), ALICE, 1);
            assertThat(chat.unread(s.id(), ALICE)).hasValue(1);
            chat.markRead(s.id(), ALICE, 99); // clamped to top
            assertThat(chat.session(s.id()).orElseThrow().participant(ALICE).orElseThrow().lastRead()).isEqualTo(4);
            assertThat(chat.unread(s.id(), ALICE)).hasValue(0);
            assertThat(chat.unread(s.id(), CAROL)).isEmpty();
            assertThat(node.conns().eventsOf(a, ChatEvent.ReadMarker.class)).extracting(ChatEvent.ReadMarker::sequence)
                    .contains(3L, 4L);
            assertThatThrownBy(() -> chat.markRead(s.id(), ALICE, -1)).isInstanceOf(InvalidInputException.class);
            List<SessionView> views = chat.attach(ALICE);
            assertThat(views).singleElement().satisfies(v -> {
                assertThat(v.top()).isEqualTo(4);
                assertThat(v.lastRead()).isEqualTo(4);
                assertThat(v.unread()).isZero();
            });
        }
    }

    @Nested
    class BuilderValidation {
        private ChatService.Builder builder() {
            return ChatService.builder(fx.sessions, fx.messageStore, fx.bus, new ChatRecorder("b"));
        }

        @Test
        void rejectsBadOptionsWithClearMessages() {
            assertThatThrownBy(() -> builder().inviteTimeout(Duration.ZERO).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inviteTimeout");
            assertThatThrownBy(() -> builder().maxParticipants(1).build())
                    .hasMessageContaining("maxParticipants must be within 2..64");
            assertThatThrownBy(() -> builder().typingThrottle(Duration.ofSeconds(10)).build())
                    .hasMessageContaining("typingTtl");
            assertThatThrownBy(() -> builder().messageRate(0.5, 0).build()).hasMessageContaining("messageRate");
            assertThatThrownBy(() -> builder().historyLimit(-1).build()).hasMessageContaining("historyLimit");
            assertThatThrownBy(() -> builder().replayPageSize(0).build()).hasMessageContaining("replayPageSize");
            assertThat(builder().unlimitedMessageRate().historyLimit(0).build()).isNotNull();
        }
    }
}
