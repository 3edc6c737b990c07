package dev.vicinity.testkit.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.chat.spi.HistoryBounds;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} must do, written against the SPI's javadoc only: gap-free
 * sequences, idempotent appends per (session, sender, client id), ranges, bounds and trimming, also
 * under concurrent appenders. Bind it with {@code class XMessageStoreTest extends
 * MessageStoreContract { protected MessageStore create() { return new X(...); } }}. Session ids are
 * random, so a store shared between tests works.
 */
public abstract class MessageStoreContract {
    /** A fixed instant the fixtures use. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A new store (may share a backend with other tests; sessions are random). */
    protected abstract MessageStore create();

    /** Threads used by the concurrency tests (default 8). */
    protected int concurrentThreads() {
        return 8;
    }

    /** Appends per thread in the concurrency tests (default 250; lower it for slow backends). */
    protected int appendsPerThread() {
        return 250;
    }

    private MessageStore store;
    private SessionId session;
    private final UserId alice = UserId.of("alice");
    private final UserId bob = UserId.of("bob");

    @BeforeEach
    void setUpStore() {
        store = create();
        session = newSession();
    }

    private static SessionId newSession() {
        return SessionId.of(UUID.randomUUID().toString());
    }

    private static MessageId id(String s) {
        return MessageId.of(s);
    }

    private AppendResult append(UserId sender, String clientId, String text, Instant at) {
        return store.append(session, sender, id(clientId), text, at);
    }

    @Nested
    class Appending {
        @Test
        void emptySessionHasTopZero() {
            HistoryBounds b = store.bounds(session);
            assertThat(b.top()).isZero();
            assertThat(b.oldestRetained()).isEqualTo(1);
            assertThat(b.lastAppendedAt()).isNull();
            assertThat(store.range(session, 0, 10)).isEmpty();
        }

        @Test
        void sequencesStartAtOneAndIncreaseByOne() {
            for (int i = 1; i <= 5; i++) {
                AppendResult r = append(i % 2 == 0 ? alice : bob, "c" + i, "text " + i, T0.plusSeconds(i));
                assertThat(r.created()).isTrue();
                assertThat(r.message().sequence()).isEqualTo(i);
                assertThat(r.message().text()).isEqualTo("text " + i);
                assertThat(r.message().session()).isEqualTo(session);
                assertThat(r.message().storedAt()).isEqualTo(T0.plusSeconds(i));
            }
            HistoryBounds b = store.bounds(session);
            assertThat(b.top()).isEqualTo(5);
            assertThat(b.oldestRetained()).isEqualTo(1);
            assertThat(b.lastAppendedAt()).isEqualTo(T0.plusSeconds(5));
        }

        @Test
        void sameSenderAndClientIdStoresNothingAndReturnsTheOriginal() {
            AppendResult first = append(alice, "m1", "hello", T0);
            append(bob, "m2", "hi", T0.plusSeconds(1));
            AppendResult again = append(alice, "m1", "hello (edited retry)", T0.plusSeconds(2));
            assertThat(again.created()).isFalse();
            assertThat(again.message()).isEqualTo(first.message());
            assertThat(store.bounds(session).top()).isEqualTo(2);
            assertThat(store.bounds(session).lastAppendedAt()).isEqualTo(T0.plusSeconds(1));
            assertThat(store.range(session, 0, 10)).extracting(ChatMessage::text).containsExactly("hello", "hi");
        }

        @Test
        void findReturnsWhatARetryWouldAndStoresNothing() {
            AppendResult first = append(alice, "m1", "hello", T0);
            append(bob, "m2", "hi", T0.plusSeconds(1));
            assertThat(store.find(session, alice, id("m1"))).contains(first.message());
            assertThat(store.find(session, bob, id("m1"))).as("another sender's id").isEmpty();
            assertThat(store.find(session, alice, id("m3"))).isEmpty();
            assertThat(store.find(newSession(), alice, id("m1"))).as("unknown session").isEmpty();
            assertThat(store.bounds(session).top()).isEqualTo(2);
        }

        @Test
        void sameClientIdOfAnotherSenderIsAnotherMessage() {
            AppendResult a = append(alice, "same", "from alice", T0);
            AppendResult b = append(bob, "same", "from bob", T0);
            assertThat(b.created()).isTrue();
            assertThat(b.message().sequence()).isEqualTo(a.message().sequence() + 1);
        }

        @Test
        void sessionsHaveIndependentSequences() {
            SessionId other = newSession();
            append(alice, "a1", "x", T0);
            append(alice, "a2", "x", T0);
            AppendResult o = store.append(other, alice, id("a1"), "y", T0);
            assertThat(o.created()).isTrue();
            assertThat(o.message().sequence()).isEqualTo(1);
            assertThat(store.bounds(other).top()).isEqualTo(1);
            assertThat(store.bounds(session).top()).isEqualTo(2);
        }

        @Test
        void unicodeTextSurvivesUnchanged() {
            String text = "Grüße 👋 مرحبا \u0000 end";
            append(alice, "u", text, T0);
            assertThat(store.range(session, 0, 1).get(0).text()).isEqualTo(text);
        }
    }

    @Nested
    class Ranges {
        @BeforeEach
        void tenMessages() {
            for (int i = 1; i <= 10; i++) {
                append(alice, "c" + i, "t" + i, T0.plusSeconds(i));
            }
        }

        @Test
        void returnsAscendingMessagesAfterTheGivenSequenceUpToLimit() {
            assertThat(store.range(session, 3, 4)).extracting(ChatMessage::sequence).containsExactly(4L, 5L, 6L, 7L);
            assertThat(store.range(session, 0, 100)).extracting(ChatMessage::sequence)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(store.range(session, 8, 100)).extracting(ChatMessage::sequence).containsExactly(9L, 10L);
        }

        @Test
        void nothingAfterTopAndNothingForUnknownSessions() {
            assertThat(store.range(session, 10, 5)).isEmpty();
            assertThat(store.range(session, 50, 5)).isEmpty();
            assertThat(store.range(newSession(), 0, 5)).isEmpty();
        }

        @Test
        void pagingCoversEverythingOnce() {
            List<Long> seen = new ArrayList<>();
            long after = 0;
            while (true) {
                List<ChatMessage> page = store.range(session, after, 3);
                if (page.isEmpty()) {
                    break;
                }
                assertThat(page.size()).isLessThanOrEqualTo(3);
                page.forEach(m -> seen.add(m.sequence()));
                after = page.get(page.size() - 1).sequence();
            }
            assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        }
    }

    @Nested
    class Trimming {
        @BeforeEach
        void tenMessages() {
            for (int i = 1; i <= 10; i++) {
                append(alice, "c" + i, "t" + i, T0.plusSeconds(i));
            }
        }

        @Test
        void removesUpToTheSequenceAndKeepsTop() {
            assertThat(store.trim(session, 4)).isEqualTo(4);
            HistoryBounds b = store.bounds(session);
            assertThat(b.top()).isEqualTo(10);
            assertThat(b.oldestRetained()).isEqualTo(5);
            assertThat(b.canReplayAfter(4)).isTrue();
            assertThat(b.canReplayAfter(3)).isFalse();
            assertThat(store.range(session, 0, 3)).extracting(ChatMessage::sequence).containsExactly(5L, 6L, 7L);
        }

        @Test
        void isIdempotent() {
            store.trim(session, 4);
            assertThat(store.trim(session, 4)).isZero();
            assertThat(store.trim(session, 2)).isZero();
            assertThat(store.bounds(session).oldestRetained()).isEqualTo(5);
        }

        @Test
        void trimmingEverythingNeverResetsOffsets() {
            assertThat(store.trim(session, 1_000)).isEqualTo(10);
            HistoryBounds b = store.bounds(session);
            assertThat(b.top()).isEqualTo(10);
            assertThat(b.oldestRetained()).isEqualTo(11);
            assertThat(store.range(session, 0, 100)).isEmpty();
            AppendResult next = append(bob, "after-trim", "x", T0.plusSeconds(60));
            assertThat(next.message().sequence()).isEqualTo(11);
            assertThat(store.bounds(session).oldestRetained()).isEqualTo(11);
        }

        @Test
        void findForgetsTrimmedMessagesAndKeepsRetainedOnes() {
            store.trim(session, 4);
            assertThat(store.find(session, alice, id("c4"))).isEmpty();
            assertThat(store.find(session, alice, id("c5"))).get().extracting(ChatMessage::sequence).isEqualTo(5L);
        }

        @Test
        void retainedClientIdsStayIdempotent() {
            store.trim(session, 4);
            AppendResult again = append(alice, "c7", "retry", T0.plusSeconds(99));
            assertThat(again.created()).isFalse();
            assertThat(again.message().sequence()).isEqualTo(7);
            assertThat(store.bounds(session).top()).isEqualTo(10);
        }
    }

    @Nested
    class Concurrency {
        @Test
        void concurrentAppendersWithRetriesStoreEveryClientIdOnceWithoutGaps() throws Exception {
            int threads = concurrentThreads();
            int perThread = appendsPerThread();
            Map<String, Long> firstSeen = new ConcurrentHashMap<>();
            List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    UserId sender = UserId.of("sender" + (t % 3));
                    int thread = t;
                    fs.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            // Every id is sent twice by this thread and once more by a neighbour
                            // thread of the same sender, interleaved with other work.
                            String cid = "t" + thread + "-" + i;
                            for (int attempt = 0; attempt < 2; attempt++) {
                                record(sender, cid, firstSeen, mismatches);
                            }
                            if (i > 0) {
                                record(sender, "t" + thread + "-" + (i - 1), firstSeen, mismatches);
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : fs) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(mismatches).isEmpty();
            long total = (long) threads * perThread;
            assertThat(store.bounds(session).top()).isEqualTo(total);
            Map<String, Long> stored = new HashMap<>();
            long expected = 1;
            long after = 0;
            while (true) {
                List<ChatMessage> page = store.range(session, after, 500);
                if (page.isEmpty()) {
                    break;
                }
                for (ChatMessage m : page) {
                    assertThat(m.sequence()).isEqualTo(expected++);
                    assertThat(stored.put(m.sender() + "/" + m.clientId(), m.sequence())).isNull();
                }
                after = page.get(page.size() - 1).sequence();
            }
            assertThat(expected - 1).isEqualTo(total);
            assertThat(stored).hasSize((int) total);
        }

        private void record(UserId sender, String cid, Map<String, Long> firstSeen, List<String> mismatches) {
            AppendResult r = store.append(session, sender, id(cid), "text " + cid, T0);
            Long prev = firstSeen.putIfAbsent(sender + "/" + cid, r.message().sequence());
            if (prev != null && prev != r.message().sequence()) {
                mismatches.add(cid + " got " + r.message().sequence() + " and " + prev);
            }
            if (!r.message().clientId().value().equals(cid) || !r.message().sender().equals(sender)) {
                mismatches.add(cid + " returned someone else's message " + r.message());
            }
        }
    }
}
