package dev.vicinity.chat.memory;

import static dev.vicinity.chat.memory.ChatFixture.ALICE;
import static dev.vicinity.chat.memory.ChatFixture.BOB;
import static dev.vicinity.chat.memory.ChatFixture.CAROL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.chat.ChatErrors;
import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.ChatResume;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ReplayCursor;
import dev.vicinity.chat.SessionView;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.chat.spi.HistoryBounds;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChatResumeTest {
    private final ChatFixture fx = new ChatFixture();

    /** Wraps the shared store and records the largest range requested and returned. */
    static final class MeasuringStore implements MessageStore {
        final MessageStore delegate;
        final AtomicInteger maxLimit = new AtomicInteger();
        final AtomicInteger maxReturned = new AtomicInteger();

        MeasuringStore(MessageStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public AppendResult append(SessionId s, UserId sender, MessageId id, String text, Instant at) {
            return delegate.append(s, sender, id, text, at);
        }

        @Override
        public List<ChatMessage> range(SessionId s, long after, int limit) {
            maxLimit.accumulateAndGet(limit, Math::max);
            List<ChatMessage> page = delegate.range(s, after, limit);
            maxReturned.accumulateAndGet(page.size(), Math::max);
            return page;
        }

        @Override
        public HistoryBounds bounds(SessionId s) {
            return delegate.bounds(s);
        }

        @Override
        public java.util.Optional<dev.vicinity.chat.ChatMessage> find(SessionId session, dev.vicinity.core.UserId sender,
                dev.vicinity.core.MessageId clientId) {
            return delegate.find(session, sender, clientId);
        }

        @Override
        public long trim(SessionId s, long upto) {
            return delegate.trim(s, upto);
        }
    }

    private static ChatSession active(ChatService chat) {
        ChatSession s = chat.invite(ALICE, List.of(BOB));
        chat.accept(s.id(), BOB);
        return s;
    }

    @Test
    void attachAndResumeBeforeAnyMessageReportTopZero() {
        ChatFixture.Node n = fx.node("n");
        ChatSession s = active(n.chat());
        n.conns().connect(BOB);
        List<SessionView> views = n.chat().attach(BOB);
        assertThat(views).singleElement().satisfies(v -> {
            assertThat(v.session().id()).isEqualTo(s.id());
            assertThat(v.top()).isZero();
            assertThat(v.unread()).isZero();
        });
        ChatResume r = n.chat().resume(s.id(), BOB, 0);
        assertThat(r).isInstanceOfSatisfying(ChatResume.Recovered.class, rec -> {
            assertThat(rec.top()).isZero();
            assertThat(rec.replay().hasNext()).isFalse();
            assertThat(rec.replay().nextPage()).isEmpty();
        });
        assertThat(r.recovered()).isTrue();
    }

    @Test
    void threeDisconnectCyclesWithoutTrafficGiveZeroDuplicatesAndLeakNothing() {
        ChatFixture.Node n = fx.node("n");
        ChatService sender = fx.node("other").chat();
        ChatSession s = active(sender);
        int baseline = fx.bus.subscriptionCount();
        ConnectionId first = n.conns().connect(BOB);
        n.chat().attach(BOB);
        for (int i = 1; i <= 3; i++) {
            sender.send(s.id(), ALICE, MessageId.of("m" + i), "t" + i);
        }
        assertThat(n.conns().sequences(first)).containsExactly(1L, 2L, 3L);
        long last = 3;
        ConnectionId current = first;
        for (int cycle = 0; cycle < 3; cycle++) {
            n.conns().disconnect(current);
            n.chat().detach(BOB);
            assertThat(n.chat().localSessionCount()).isZero();
            assertThat(fx.bus.subscriptionCount()).isEqualTo(baseline);
            current = n.conns().connect(BOB);
            assertThat(n.chat().attach(BOB)).singleElement().extracting(SessionView::top).isEqualTo(3L);
            ChatResume r = n.chat().resume(s.id(), BOB, last);
            ChatResume.Recovered rec = (ChatResume.Recovered) r;
            assertThat(rec.replay().nextPage()).isEmpty();
            assertThat(n.conns().messages(current)).isEmpty();
        }
        sender.send(s.id(), ALICE, MessageId.of("m4"), "t4");
        assertThat(n.conns().sequences(current)).containsExactly(4L);
        assertThat(n.conns().sequences(first)).containsExactly(1L, 2L, 3L);
        assertThat(n.chat().attachedUserCount()).isEqualTo(1);
        n.chat().detach(BOB);
        assertThat(n.chat().attachedUserCount()).isZero();
        assertThat(fx.bus.subscriptionCount()).isEqualTo(baseline);
    }

    @Test
    void resumeAfterReconnectReplaysExactlyTheMissedRange() {
        ChatFixture.Node n = fx.node("n", b -> b.replayPageSize(2));
        ChatService sender = fx.node("other", ChatService.Builder::unlimitedMessageRate).chat();
        ChatSession s = active(sender);
        for (int i = 1; i <= 7; i++) {
            sender.send(s.id(), ALICE, MessageId.of("m" + i), "t" + i);
        }
        ConnectionId c = n.conns().connect(BOB);
        n.chat().attach(BOB);
        ReplayCursor cursor = ((ChatResume.Recovered) n.chat().resume(s.id(), BOB, 2)).replay();
        assertThat(cursor.nextPage()).extracting(ChatMessage::sequence).containsExactly(3L, 4L);
        sender.send(s.id(), ALICE, MessageId.of("m8"), "t8"); // live, beyond the resume's top
        assertThat(cursor.nextPage()).extracting(ChatMessage::sequence).containsExactly(5L, 6L);
        assertThat(cursor.nextPage()).extracting(ChatMessage::sequence).containsExactly(7L);
        assertThat(cursor.hasNext()).isFalse();
        assertThat(cursor.truncated()).isFalse();
        assertThat(n.conns().sequences(c)).containsExactly(8L);
        assertThat(fx.listener.startingWith("replayed")).containsExactly("replayed 2 true", "replayed 2 true",
                "replayed 1 true");
    }

    @Test
    void resumeAfterHistoryWasTrimmedAsksTheClientToReload() {
        ChatFixture.Node n = fx.node("n", b -> b.unlimitedMessageRate().historyLimit(10));
        ChatSession s = active(n.chat());
        for (int i = 1; i <= 40; i++) {
            n.chat().send(s.id(), ALICE, MessageId.of("m" + i), "t" + i);
        }
        HistoryBounds b = fx.messageStore.bounds(s.id());
        assertThat(b.top()).isEqualTo(40);
        assertThat(b.oldestRetained()).isGreaterThan(6).isLessThanOrEqualTo(31);
        assertThat(fx.messageStore.retainedCount()).isLessThanOrEqualTo(15);
        ChatResume r = n.chat().resume(s.id(), BOB, 5);
        assertThat(r.recovered()).isFalse();
        assertThat(r).isEqualTo(new ChatResume.Reload(s.id(), 40, b.oldestRetained()));
        assertThat(fx.listener.events).contains("replayed 0 false");
        // a client that is only a little behind still recovers
        ReplayCursor cursor = ((ChatResume.Recovered) n.chat().resume(s.id(), BOB, 35)).replay();
        assertThat(cursor.nextPage()).extracting(ChatMessage::sequence).containsExactly(36L, 37L, 38L, 39L, 40L);
        // a client claiming to be ahead of the server reloads too
        assertThat(n.chat().resume(s.id(), BOB, 41).recovered()).isFalse();
    }

    @Test
    void trimmingDuringAReplayStopsTheCursorAsTruncated() {
        ChatFixture.Node n = fx.node("n", b -> b.unlimitedMessageRate().replayPageSize(3));
        ChatSession s = active(n.chat());
        for (int i = 1; i <= 10; i++) {
            n.chat().send(s.id(), ALICE, MessageId.of("m" + i), "t" + i);
        }
        ReplayCursor cursor = ((ChatResume.Recovered) n.chat().resume(s.id(), BOB, 0)).replay();
        assertThat(cursor.nextPage()).hasSize(3);
        fx.messageStore.trim(s.id(), 6);
        assertThat(cursor.nextPage()).isEmpty();
        assertThat(cursor.truncated()).isTrue();
        assertThat(cursor.hasNext()).isFalse();
    }

    @Test
    void replayOfOneHundredThousandMissedMessagesUsesBoundedPages() {
        MeasuringStore measuring = new MeasuringStore(fx.messageStore);
        ChatFixture.Node n = fx.node("n", b -> b.historyLimit(0).replayPageSize(500), fx.sessions, measuring,
                fx.bus);
        ChatSession s = active(n.chat());
        int total = 100_000;
        Instant at = fx.clock.instant();
        for (int i = 1; i <= total; i++) {
            fx.messageStore.append(s.id(), i % 2 == 0 ? ALICE : BOB, MessageId.of("m" + i), "message " + i, at);
        }
        ReplayCursor cursor = ((ChatResume.Recovered) n.chat().resume(s.id(), BOB, 0)).replay();
        long expected = 1;
        int pages = 0;
        while (cursor.hasNext()) {
            List<ChatMessage> page = cursor.nextPage();
            assertThat(page.size()).isBetween(1, 500);
            for (ChatMessage m : page) {
                if (m.sequence() != expected++) {
                    throw new AssertionError("expected " + (expected - 1) + " got " + m.sequence());
                }
            }
            pages++;
        }
        assertThat(expected - 1).isEqualTo(total);
        assertThat(pages).isEqualTo(total / 500);
        assertThat(measuring.maxLimit.get()).isEqualTo(500);
        assertThat(measuring.maxReturned.get()).isEqualTo(500);
        assertThat(cursor.truncated()).isFalse();
    }

    @Test
    void onlyJoinedParticipantsMayResume() {
        ChatFixture.Node n = fx.node("n");
        ChatSession s = active(n.chat());
        assertThat(n.chat().resume(s.id(), CAROL, 0))
                .isEqualTo(new ChatResume.Refused(s.id(), ChatErrors.NOT_PARTICIPANT, "not a participant"));
        n.chat().leave(s.id(), BOB);
        assertThat(n.chat().resume(s.id(), BOB, 0)).isInstanceOfSatisfying(ChatResume.Refused.class,
                r -> assertThat(r.code()).isEqualTo(ChatErrors.NOT_JOINED));
        assertThat(n.chat().resume(SessionId.of("nope"), BOB, 0)).isInstanceOfSatisfying(ChatResume.Refused.class,
                r -> assertThat(r.code()).isEqualTo(ChatErrors.UNKNOWN_SESSION));
        assertThatThrownBy(() -> n.chat().resume(s.id(), ALICE, -1)).isInstanceOf(InvalidInputException.class);
    }
}
