package dev.vicinity.chat.memory;

import static dev.vicinity.chat.memory.ChatFixture.ALICE;
import static dev.vicinity.chat.memory.ChatFixture.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ActionResult;
import dev.vicinity.chat.ChatEvent;
import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.SendResult;
import dev.vicinity.chat.internal.BusCodec;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.EventHandler;
import dev.vicinity.core.spi.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Two nodes (two services sharing the stores and one in-memory bus). */
class ChatTwoNodeTest {
    private final ChatFixture fx = new ChatFixture();

    /** A bus that drops the payloads the test chooses, then forwards to the in-memory bus. */
    static final class LossyBus implements EventBus {
        final EventBus delegate;
        volatile Predicate<byte[]> drop = p -> false;

        LossyBus(EventBus delegate) {
            this.delegate = delegate;
        }

        @Override
        public void publish(String topic, byte[] payload) {
            if (!drop.test(payload)) {
                delegate.publish(topic, payload);
            }
        }

        @Override
        public Subscription subscribe(String topic, EventHandler handler) {
            return delegate.subscribe(topic, handler);
        }

        @Override
        public BusHealth health() {
            return delegate.health();
        }
    }

    private static <T> void race(int threads, java.util.function.IntFunction<T> work, List<T> out)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int i = t;
                fs.add(pool.submit(() -> {
                    start.await();
                    return work.apply(i);
                }));
            }
            start.countDown();
            for (Future<T> f : fs) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void acceptAndDeclineRacingOnTwoNodesExactlyOneWins() throws Exception {
        ChatService a = fx.node("a").chat();
        ChatService b = fx.node("b").chat();
        for (int round = 0; round < 50; round++) {
            ChatSession s = a.invite(ALICE, List.of(BOB));
            List<ActionResult> results = new ArrayList<>();
            race(2, i -> i == 0 ? a.accept(s.id(), BOB) : b.decline(s.id(), BOB), results);
            assertThat(results.stream().filter(ActionResult::done).count()).as("round %d", round).isEqualTo(1);
            ChatSession after = a.session(s.id()).orElseThrow();
            assertThat(after.version()).isEqualTo(2);
            assertThat(after.state()).isIn(ChatSessionState.ACTIVE, ChatSessionState.DECLINED);
            ActionResult winner = results.stream().filter(ActionResult::done).findFirst().orElseThrow();
            assertThat(((ActionResult.Done) winner).session()).isEqualTo(after);
        }
    }

    @Test
    void endingRacesOnTwoNodesProduceExactlyOneEnd() throws Exception {
        ChatService a = fx.node("a").chat();
        ChatService b = fx.node("b").chat();
        for (int round = 0; round < 50; round++) {
            ChatSession s = a.invite(ALICE, List.of(BOB));
            a.accept(s.id(), BOB);
            List<ActionResult> results = new ArrayList<>();
            race(4, i -> switch (i) {
                case 0 -> a.leave(s.id(), ALICE);
                case 1 -> b.leave(s.id(), BOB);
                case 2 -> a.moderate(s.id());
                default -> b.peerGone(ALICE) > 0 ? new ActionResult.Done(s) : new ActionResult.Refused("x", "x");
            }, results);
            assertThat(results.stream().filter(ActionResult::done).count()).as("round %d", round).isEqualTo(1);
            ChatSession after = a.session(s.id()).orElseThrow();
            assertThat(after.state()).isEqualTo(ChatSessionState.ENDED);
            assertThat(after.version()).isEqualTo(3);
        }
        assertThat(fx.listener.startingWith("changed active->ended")).hasSize(50);
    }

    @Test
    void eightThreadsSendingWithRetriesStoreEachClientIdOnceWithoutGaps() throws Exception {
        ChatService a = fx.node("a", ChatService.Builder::unlimitedMessageRate).chat();
        ChatFixture.Node bNode = fx.node("b", ChatService.Builder::unlimitedMessageRate);
        ChatService b = bNode.chat();
        ConnectionId watcher = bNode.conns().connect(ALICE);
        b.attach(ALICE);
        ChatSession s = a.invite(ALICE, List.of(BOB));
        a.accept(s.id(), BOB);
        int perThread = 300;
        List<Map<String, Long>> seen = new ArrayList<>();
        race(8, t -> {
            ChatService node = t % 2 == 0 ? a : b;
            UserId sender = t % 2 == 0 ? ALICE : BOB;
            Map<String, Long> mine = new HashMap<>();
            for (int i = 0; i < perThread; i++) {
                String cid = "t" + t + "-" + i;
                // first attempt, a retry on the same node and a retry on the other node
                for (ChatService n : List.of(node, node, node == a ? b : a)) {
                    SendResult r = n.send(s.id(), sender, MessageId.of(cid), "msg " + cid);
                    long sq = ((SendResult.Stored) r).message().sequence();
                    Long prev = mine.putIfAbsent(cid, sq);
                    if (prev != null && prev != sq) {
                        throw new AssertionError(cid + " got two sequences");
                    }
                }
            }
            return mine;
        }, seen);
        long total = 8L * perThread;
        assertThat(fx.messageStore.bounds(s.id()).top()).isEqualTo(total);
        List<ChatMessage> all = new ArrayList<>();
        long after = 0;
        for (List<ChatMessage> page; !(page = fx.messageStore.range(s.id(), after, 1000)).isEmpty(); ) {
            all.addAll(page);
            after = page.get(page.size() - 1).sequence();
        }
        assertThat(all).extracting(ChatMessage::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(all).extracting(m -> m.clientId().value()).doesNotHaveDuplicates();
        // The watching connection on node b got every message once, in order, despite concurrent
        // publishers (gaps are filled from history, late duplicates dropped).
        assertThat(bNode.conns().sequences(watcher))
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(fx.listener.startingWith("stored")).hasSize((int) total);
    }

    @Test
    void leaveOnNodeAThenSendFromNodeBReachesNothingOfTheLeaver() {
        ChatFixture.Node a = fx.node("a");
        ChatFixture.Node b = fx.node("b");
        ConnectionId bobOnA = a.conns().connect(BOB);
        ConnectionId aliceOnB = b.conns().connect(ALICE);
        a.chat().attach(BOB);
        b.chat().attach(ALICE);
        ChatService group = fx.node("g", x -> x.maxParticipants(3)).chat();
        ChatSession s = group.invite(ALICE, List.of(BOB, ChatFixture.CAROL));
        group.accept(s.id(), BOB);
        group.accept(s.id(), ChatFixture.CAROL);
        b.chat().send(s.id(), ALICE, MessageId.of("1"), "before");
        assertThat(a.chat().leave(s.id(), BOB).done()).isTrue();
        b.chat().send(s.id(), ALICE, MessageId.of("2"), "after");
        assertThat(a.conns().sequences(bobOnA)).containsExactly(1L);
        assertThat(b.conns().sequences(aliceOnB)).containsExactly(1L, 2L);
    }

    @Test
    void leaverGetsNothingEvenWhenTheBusLosesTheMembershipChange() {
        LossyBus lossy = new LossyBus(fx.bus);
        ChatFixture.Node a = fx.node("a", x -> x.maxParticipants(3), fx.sessions, fx.messageStore, lossy);
        ChatFixture.Node c = fx.node("c", x -> x.maxParticipants(3), fx.sessions, fx.messageStore, lossy);
        ConnectionId bobOnC = c.conns().connect(BOB); // a second device of Bob on another node
        c.chat().attach(BOB);
        ChatSession s = a.chat().invite(ALICE, List.of(BOB, ChatFixture.CAROL));
        a.chat().accept(s.id(), BOB);
        a.chat().accept(s.id(), ChatFixture.CAROL);
        a.chat().send(s.id(), ALICE, MessageId.of("1"), "before");
        // Bob leaves through node a; every session notice of that change is lost on the bus.
        lossy.drop = p -> BusCodec.type(p) != BusCodec.MESSAGE;
        assertThat(a.chat().leave(s.id(), BOB).done()).isTrue();
        a.chat().send(s.id(), ALICE, MessageId.of("2"), "after");
        a.chat().send(s.id(), ChatFixture.CAROL, MessageId.of("3"), "after too");
        assertThat(c.conns().sequences(bobOnC)).containsExactly(1L);
    }

    @Test
    void messagesLostOnTheBusAreRecoveredFromHistoryInOrder() {
        LossyBus lossy = new LossyBus(fx.bus);
        ChatFixture.Node a = fx.node("a", ChatService.Builder::unlimitedMessageRate, fx.sessions, fx.messageStore,
                lossy);
        ChatFixture.Node b = fx.node("b", ChatService.Builder::unlimitedMessageRate, fx.sessions, fx.messageStore,
                lossy);
        ConnectionId bobOnB = b.conns().connect(BOB);
        b.chat().attach(BOB);
        ChatSession s = a.chat().invite(ALICE, List.of(BOB));
        a.chat().accept(s.id(), BOB);
        lossy.drop = p -> BusCodec.type(p) == BusCodec.MESSAGE && BusCodec.sequence(p) % 3 != 0;
        for (int i = 1; i <= 9; i++) {
            a.chat().send(s.id(), ALICE, MessageId.of("m" + i), "t" + i);
        }
        // 1,2 lost; 3 arrives -> 1,2 fetched from history; and so on. 9 is the last one to arrive.
        assertThat(b.conns().sequences(bobOnB)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(fx.listener.startingWith("replayed")).containsExactly("replayed 2 true", "replayed 2 true",
                "replayed 2 true");
        // a resend of an old client id republishes; the node drops the duplicate
        lossy.drop = p -> false;
        a.chat().send(s.id(), ALICE, MessageId.of("m4"), "t4");
        assertThat(b.conns().sequences(bobOnB)).hasSize(9);
    }

    @Test
    void aGapHistoryCannotFillTellsClientsToResync() {
        LossyBus lossy = new LossyBus(fx.bus);
        ChatFixture.Node a = fx.node("a", x -> x.unlimitedMessageRate().historyLimit(0), fx.sessions,
                fx.messageStore, lossy);
        ChatFixture.Node b = fx.node("b", x -> x.unlimitedMessageRate(), fx.sessions, fx.messageStore, lossy);
        ConnectionId bobOnB = b.conns().connect(BOB);
        b.chat().attach(BOB);
        ChatSession s = a.chat().invite(ALICE, List.of(BOB));
        a.chat().accept(s.id(), BOB);
        a.chat().send(s.id(), ALICE, MessageId.of("m1"), "t1");
        lossy.drop = p -> BusCodec.type(p) == BusCodec.MESSAGE;
        a.chat().send(s.id(), ALICE, MessageId.of("m2"), "t2");
        a.chat().send(s.id(), ALICE, MessageId.of("m3"), "t3");
        fx.messageStore.trim(s.id(), 3);
        lossy.drop = p -> false;
        a.chat().send(s.id(), ALICE, MessageId.of("m4"), "t4");
        assertThat(b.conns().sequences(bobOnB)).containsExactly(1L, 4L);
        assertThat(b.conns().eventsOf(bobOnB, ChatEvent.ResyncRequired.class))
                .containsExactly(new ChatEvent.ResyncRequired(s.id(), 3));
        assertThat(fx.listener.events).contains("replayed 0 false");
    }

    @Test
    void invitesCreatedOnOneNodeReachTheInviteesNode() {
        ChatFixture.Node a = fx.node("a");
        ChatFixture.Node b = fx.node("b");
        ConnectionId bobOnB = b.conns().connect(BOB);
        b.chat().attach(BOB);
        ChatSession s = a.chat().invite(ALICE, List.of(BOB));
        assertThat(b.conns().eventsOf(bobOnB, ChatEvent.SessionChanged.class))
                .extracting(e -> e.snapshot().id()).containsExactly(s.id());
        assertThat(b.chat().localSessionCount()).isEqualTo(1);
        b.chat().accept(s.id(), BOB);
        a.chat().send(s.id(), ALICE, MessageId.of("1"), "hi");
        assertThat(b.conns().sequences(bobOnB)).containsExactly(1L);
        // Ending releases the node's subscription to the session.
        a.chat().leave(s.id(), ALICE);
        assertThat(b.chat().localSessionCount()).isZero();
        assertThat(fx.bus.subscriptionCount()).isEqualTo(1); // only Bob's notice topic on node b
    }
}
