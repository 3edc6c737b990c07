package dev.vicinity.chat.memory;

import static dev.vicinity.chat.memory.ChatFixture.ALICE;
import static dev.vicinity.chat.memory.ChatFixture.BOB;
import static dev.vicinity.chat.memory.ChatFixture.CAROL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.internal.BusCodec;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.chat.spi.HistoryBounds;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bus events handled on a delivery executor (as with Redis): the bus's thread only queues, a slow
 * history read holds up its own session only, and per-session order and exactly-once still hold.
 */
class ChatDeliveryExecutorTest {
    private final ChatFixture fx = new ChatFixture();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** A message store whose history reads of one session wait until released. */
    static final class SlowHistory implements MessageStore {
        final MessageStore delegate;
        volatile SessionId slow;
        final CountDownLatch reading = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        SlowHistory(MessageStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public AppendResult append(SessionId session, UserId sender, MessageId clientId, String text, Instant at) {
            return delegate.append(session, sender, clientId, text, at);
        }

        @Override
        public List<ChatMessage> range(SessionId session, long afterSequence, int limit) {
            if (session.equals(slow)) {
                reading.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return delegate.range(session, afterSequence, limit);
        }

        @Override
        public HistoryBounds bounds(SessionId session) {
            return delegate.bounds(session);
        }

        @Override
        public java.util.Optional<dev.vicinity.chat.ChatMessage> find(SessionId session, dev.vicinity.core.UserId sender,
                dev.vicinity.core.MessageId clientId) {
            return delegate.find(session, sender, clientId);
        }

        @Override
        public long trim(SessionId session, long uptoSequence) {
            return delegate.trim(session, uptoSequence);
        }
    }

    private static void await(BooleanSupplier condition) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }

    @Test
    void aSlowGapReadHoldsUpItsOwnSessionOnlyNotTheBusThread() throws Exception {
        ChatTwoNodeTest.LossyBus lossy = new ChatTwoNodeTest.LossyBus(fx.bus);
        SlowHistory slowHistory = new SlowHistory(fx.messageStore);
        ChatFixture.Node a = fx.node("a", ChatService.Builder::unlimitedMessageRate, fx.sessions, fx.messageStore,
                lossy);
        ChatFixture.Node b = fx.node("b", x -> x.unlimitedMessageRate().deliveryExecutor(pool), fx.sessions,
                slowHistory, lossy);
        ConnectionId bobOnB = b.conns().connect(BOB);
        b.chat().attach(BOB);
        ChatSession slow = a.chat().invite(ALICE, List.of(BOB));
        a.chat().accept(slow.id(), BOB);
        ChatSession other = a.chat().invite(CAROL, List.of(BOB));
        a.chat().accept(other.id(), BOB);
        await(() -> b.chat().localSessionCount() == 2);
        // Node b starts following a session it learns of from the bus on the delivery executor (it
        // subscribes, then reads the store's top): wait until that work is done, then a first message
        // in each session that reaches b proves b follows both.
        java.util.concurrent.ThreadPoolExecutor tpe = (java.util.concurrent.ThreadPoolExecutor) pool;
        await(() -> tpe.getActiveCount() == 0 && tpe.getQueue().isEmpty());
        a.chat().send(slow.id(), ALICE, MessageId.of("s0"), "b follows");
        a.chat().send(other.id(), CAROL, MessageId.of("o0"), "b follows");
        await(() -> b.conns().messages(bobOnB).size() == 2);

        slowHistory.slow = slow.id();
        lossy.drop = p -> BusCodec.type(p) == BusCodec.MESSAGE && BusCodec.sequence(p) == 2;
        a.chat().send(slow.id(), ALICE, MessageId.of("s1"), "lost on the bus");
        lossy.drop = p -> false;
        // The in-memory bus delivers on this thread: it returns although node b's gap read blocks.
        a.chat().send(slow.id(), ALICE, MessageId.of("s2"), "shows the gap");
        assertThat(slowHistory.reading.await(20, TimeUnit.SECONDS)).isTrue();
        a.chat().send(slow.id(), ALICE, MessageId.of("s3"), "queued behind the gap");
        a.chat().send(other.id(), CAROL, MessageId.of("o1"), "another session");
        await(() -> b.conns().messages(bobOnB).stream().filter(m -> m.session().equals(other.id())).count() == 2);
        assertThat(b.conns().messages(bobOnB).stream().filter(m -> m.session().equals(slow.id()))
                .map(ChatMessage::sequence)).containsExactly(1L);

        slowHistory.release.countDown();
        await(() -> b.conns().messages(bobOnB).stream().filter(m -> m.session().equals(slow.id())).count() == 4);
        assertThat(b.conns().messages(bobOnB).stream().filter(m -> m.session().equals(slow.id()))
                .map(ChatMessage::sequence)).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void concurrentSendersWithLossesReachAWatcherOnceAndInOrder() throws Exception {
        ChatTwoNodeTest.LossyBus lossy = new ChatTwoNodeTest.LossyBus(fx.bus);
        ChatFixture.Node a = fx.node("a", x -> x.unlimitedMessageRate().deliveryExecutor(pool), fx.sessions,
                fx.messageStore, lossy);
        ChatFixture.Node b = fx.node("b", x -> x.unlimitedMessageRate().deliveryExecutor(pool), fx.sessions,
                fx.messageStore, lossy);
        ConnectionId watcher = b.conns().connect(ALICE);
        b.chat().attach(ALICE);
        ChatSession s = a.chat().invite(ALICE, List.of(BOB));
        a.chat().accept(s.id(), BOB);
        await(() -> b.chat().localSessionCount() == 1);
        lossy.drop = p -> BusCodec.type(p) == BusCodec.MESSAGE && BusCodec.sequence(p) % 7 == 0;
        int perThread = 100;
        Thread[] senders = new Thread[4];
        for (int t = 0; t < senders.length; t++) {
            int id = t;
            senders[t] = new Thread(() -> {
                ChatService node = id % 2 == 0 ? a.chat() : b.chat();
                UserId sender = id % 2 == 0 ? ALICE : BOB;
                for (int i = 0; i < perThread; i++) {
                    node.send(s.id(), sender, MessageId.of("t" + id + "-" + i), "m");
                }
            });
            senders[t].start();
        }
        for (Thread t : senders) {
            t.join(60_000);
        }
        lossy.drop = p -> false;
        long total = 4L * perThread;
        a.chat().send(s.id(), ALICE, MessageId.of("last"), "flush");
        await(() -> b.conns().sequences(watcher).size() == total + 1);
        assertThat(b.conns().sequences(watcher))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total + 1).boxed().toList());
    }
}
