package dev.vicinity.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.chat.ActionResult;
import dev.vicinity.chat.ChatEvent;
import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.ChatRecipients;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.SendResult;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.memory.InMemoryEventBus;
import dev.vicinity.core.MutableClock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two "nodes": two {@link ChatService}s, each with its own connection pool and its own
 * {@link PostgresVicinity} on the same schema, racing session transitions and appending to one
 * session's history: the same guarantees as the in-memory adapter's two-node test.
 */
class PostgresChatTwoNodeIT {
    private static final UserId ALICE = UserId.of("alice");
    private static final UserId BOB = UserId.of("bob");
    private static PostgresVicinity schema;
    private static HikariDataSource poolA;
    private static HikariDataSource poolB;
    private static ChatService a;
    private static ChatService b;

    /** Nobody is connected: the test looks at stored state only. */
    private static final ChatRecipients NOBODY = new ChatRecipients() {
        @Override
        public Collection<ConnectionId> localConnections(UserId user) {
            return List.of();
        }

        @Override
        public void deliver(ConnectionId connection, ChatEvent event) {}
    };

    @BeforeAll
    static void nodes() {
        PgTestDatabase.require();
        schema = PgTestDatabase.freshSchema(PgTestDatabase.dataSource());
        poolA = PgTestDatabase.newPool("node-a", 6);
        poolB = PgTestDatabase.newPool("node-b", 6);
        MutableClock clock = new MutableClock();
        InMemoryEventBus bus = new InMemoryEventBus(clock);
        a = node(poolA, bus, clock);
        b = node(poolB, bus, clock);
    }

    private static ChatService node(HikariDataSource pool, InMemoryEventBus bus, MutableClock clock) {
        PostgresVicinity pg = PostgresVicinity.builder(pool).schema(schema.schema()).build();
        return ChatService.builder(pg.chatSessionStore(), pg.messageStore(), bus, NOBODY).clock(clock)
                .unlimitedMessageRate().unlimitedInvites().build();
    }

    @AfterAll
    static void close() {
        if (a != null) {
            a.close();
            b.close();
        }
        if (poolA != null) {
            poolA.close();
            poolB.close();
        }
        PgTestDatabase.drop(schema);
    }

    @Test
    void acceptAndDeclineRacingOnTwoNodesExactlyOneWins() throws Exception {
        for (int round = 0; round < 30; round++) {
            ChatSession s = a.invite(ALICE, List.of(BOB));
            List<ActionResult> results = race(2, i -> i == 0 ? a.accept(s.id(), BOB) : b.decline(s.id(), BOB));
            assertThat(results.stream().filter(ActionResult::done).count()).as("round %d", round).isEqualTo(1);
            ChatSession after = b.session(s.id()).orElseThrow();
            assertThat(after.version()).isEqualTo(2);
            assertThat(after.state()).isIn(ChatSessionState.ACTIVE, ChatSessionState.DECLINED);
            ActionResult winner = results.stream().filter(ActionResult::done).findFirst().orElseThrow();
            assertThat(((ActionResult.Done) winner).session()).isEqualTo(after);
        }
    }

    @Test
    void endingRacesOnTwoNodesProduceExactlyOneEnd() throws Exception {
        for (int round = 0; round < 30; round++) {
            ChatSession s = a.invite(ALICE, List.of(BOB));
            assertThat(b.accept(s.id(), BOB).done()).isTrue();
            List<ActionResult> results = race(3, i -> switch (i) {
                case 0 -> a.leave(s.id(), ALICE);
                case 1 -> b.leave(s.id(), BOB);
                default -> a.moderate(s.id());
            });
            assertThat(results.stream().filter(ActionResult::done).count()).as("round %d", round).isEqualTo(1);
            ChatSession after = a.session(s.id()).orElseThrow();
            assertThat(after.state()).isEqualTo(ChatSessionState.ENDED);
            assertThat(after.version()).isEqualTo(3);
        }
    }

    @Test
    void eightThreadsSendingWithRetriesOnBothNodesStoreEachClientIdOnceWithoutGaps() throws Exception {
        ChatSession s = a.invite(ALICE, List.of(BOB));
        assertThat(a.accept(s.id(), BOB).done()).isTrue();
        int perThread = 60;
        List<Map<String, Long>> seen = race(8, t -> {
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
        });
        long total = 8L * perThread;
        PostgresVicinity reader = PostgresVicinity.builder(PgTestDatabase.dataSource()).schema(schema.schema()).build();
        assertThat(reader.messageStore().bounds(s.id()).top()).isEqualTo(total);
        List<ChatMessage> all = new ArrayList<>();
        long after = 0;
        for (List<ChatMessage> page; !(page = reader.messageStore().range(s.id(), after, 100)).isEmpty(); ) {
            all.addAll(page);
            after = page.get(page.size() - 1).sequence();
        }
        assertThat(all).extracting(ChatMessage::sequence)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(all).extracting(m -> m.sender() + "/" + m.clientId()).doesNotHaveDuplicates();
        Map<String, Long> merged = new HashMap<>();
        seen.forEach(merged::putAll);
        assertThat(merged).hasSize((int) total);
    }

    private static <T> List<T> race(int threads, IntFunction<T> work) throws Exception {
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
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
