package dev.vicinity.testkit.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.EndReason;
import dev.vicinity.chat.MemberState;
import dev.vicinity.chat.Participant;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ChatSessionStore} must do, written against the SPI's javadoc only. Bind it with
 * {@code class XChatSessionStoreTest extends ChatSessionStoreContract { protected ChatSessionStore
 * create() { return new X(...); } }}. Each test gets a fresh store from {@link #create()}; a backend
 * shared between tests (a database) must return it empty (truncate its tables). Ids are random.
 */
public abstract class ChatSessionStoreContract {
    /** A fixed instant the fixtures are built around. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A new, empty store. */
    protected abstract ChatSessionStore create();

    /** Threads used by the concurrency tests (default 8). */
    protected int concurrentThreads() {
        return 8;
    }

    private ChatSessionStore store;

    @BeforeEach
    void setUpStore() {
        store = create();
    }

    /** A random user id (unique per test run). */
    protected static UserId user(String name) {
        return UserId.of(name + "-" + UUID.randomUUID());
    }

    /** An invited two-person session with version 1 and its invite deadline at {@code timeoutAt}. */
    protected static ChatSession invited(UserId inviter, UserId invitee, Instant timeoutAt) {
        return new ChatSession(SessionId.of(UUID.randomUUID().toString()), ChatSessionState.INVITED, null, inviter,
                List.of(new Participant(inviter, MemberState.JOINED, 0, T0),
                        new Participant(invitee, MemberState.INVITED, 0, T0)),
                T0, null, null, timeoutAt, 1);
    }

    private static ChatSession activated(ChatSession s, Instant at) {
        List<Participant> ps = new ArrayList<>();
        for (Participant p : s.participants()) {
            ps.add(p.withState(MemberState.JOINED, at));
        }
        return s.withParticipants(ps).next(ChatSessionState.ACTIVE, null, at, null, at.plus(Duration.ofMinutes(30)));
    }

    private static ChatSession ended(ChatSession s, Instant at) {
        return s.next(ChatSessionState.ENDED, EndReason.LEFT, s.activatedAt(), at, null);
    }

    @Nested
    class InsertAndFind {
        @Test
        void insertedSessionIsFoundWhole() {
            ChatSession s = invited(user("a"), user("b"), T0.plusSeconds(60));
            assertThat(store.insert(s)).isTrue();
            assertThat(store.find(s.id())).contains(s);
        }

        @Test
        void unknownIdIsEmpty() {
            assertThat(store.find(SessionId.of(UUID.randomUUID().toString()))).isEmpty();
        }

        @Test
        void secondInsertOfSameIdIsRefusedAndKeepsTheFirst() {
            ChatSession s = invited(user("a"), user("b"), T0.plusSeconds(60));
            ChatSession other = new ChatSession(s.id(), ChatSessionState.INVITED, null, user("c"),
                    List.of(new Participant(user("c"), MemberState.JOINED, 0, T0)), T0, null, null, null, 1);
            assertThat(store.insert(s)).isTrue();
            assertThat(store.insert(other)).isFalse();
            assertThat(store.find(s.id())).contains(s);
        }
    }

    @Nested
    class CompareAndSet {
        @Test
        void matchingVersionReplaces() {
            ChatSession s = invited(user("a"), user("b"), T0.plusSeconds(60));
            store.insert(s);
            ChatSession next = activated(s, T0.plusSeconds(5));
            assertThat(store.compareAndSet(1, next)).isTrue();
            assertThat(store.find(s.id())).contains(next);
            assertThat(store.find(s.id()).orElseThrow().version()).isEqualTo(2);
        }

        @Test
        void staleVersionChangesNothing() {
            ChatSession s = invited(user("a"), user("b"), T0.plusSeconds(60));
            store.insert(s);
            ChatSession v2 = activated(s, T0.plusSeconds(5));
            assertThat(store.compareAndSet(1, v2)).isTrue();
            // A second writer that also read version 1 loses.
            ChatSession competing = s.next(ChatSessionState.DECLINED, null, null, T0.plusSeconds(6), null);
            assertThat(store.compareAndSet(1, competing)).isFalse();
            assertThat(store.find(s.id())).contains(v2);
        }

        @Test
        void missingSessionIsNotCreated() {
            ChatSession s = invited(user("a"), user("b"), T0.plusSeconds(60));
            assertThat(store.compareAndSet(1, activated(s, T0))).isFalse();
            assertThat(store.find(s.id())).isEmpty();
        }

        @Test
        void updatedVersionMustBeExpectedPlusOne() {
            ChatSession s = invited(user("a"), user("b"), T0.plusSeconds(60));
            store.insert(s);
            ChatSession wrong = activated(s, T0); // version 2
            assertThatThrownBy(() -> store.compareAndSet(0, wrong)).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.find(s.id())).contains(s);
        }

        @Test
        void racingWritersFromOneVersionHaveExactlyOneWinner() throws Exception {
            int threads = concurrentThreads();
            for (int round = 0; round < 20; round++) {
                ChatSession s = invited(user("a"), user("b"), T0.plusSeconds(60));
                store.insert(s);
                CountDownLatch start = new CountDownLatch(1);
                AtomicInteger wins = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    List<Future<?>> fs = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        Instant at = T0.plusSeconds(t);
                        fs.add(pool.submit(() -> {
                            start.await();
                            if (store.compareAndSet(1, activated(s, at))) {
                                wins.incrementAndGet();
                            }
                            return null;
                        }));
                    }
                    start.countDown();
                    for (Future<?> f : fs) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                } finally {
                    pool.shutdownNow();
                }
                assertThat(wins.get()).as("round %d", round).isEqualTo(1);
                assertThat(store.find(s.id()).orElseThrow().version()).isEqualTo(2);
            }
        }

        @Test
        void retryLoopsNeverLoseAnUpdate() throws Exception {
            ChatSession s = activated(invited(user("a"), user("b"), T0.plusSeconds(60)), T0);
            ChatSession v1 = new ChatSession(s.id(), s.state(), null, s.inviter(), s.participants(), s.createdAt(),
                    s.activatedAt(), null, s.timeoutAt(), 1);
            store.insert(v1);
            int threads = concurrentThreads();
            int perThread = 100;
            UserId reader = s.inviter();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            while (true) {
                                ChatSession cur = store.find(s.id()).orElseThrow();
                                ChatSession next = cur.withParticipant(reader,
                                        p -> p.withLastRead(p.lastRead() + 1));
                                if (store.compareAndSet(cur.version(), next)) {
                                    break;
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            ChatSession last = store.find(s.id()).orElseThrow();
            assertThat(last.version()).isEqualTo(1L + (long) threads * perThread);
            assertThat(last.participant(reader).orElseThrow().lastRead()).isEqualTo((long) threads * perThread);
        }
    }

    @Nested
    class OpenSessionsOf {
        @Test
        void listsInvitedAndActiveSessionsOfEveryParticipant() {
            UserId a = user("a");
            UserId b = user("b");
            ChatSession s1 = invited(a, b, T0.plusSeconds(60));
            ChatSession s2 = invited(b, user("c"), T0.plusSeconds(60));
            store.insert(s1);
            store.insert(s2);
            store.compareAndSet(1, activated(s2, T0));
            assertThat(store.openSessionsOf(a)).extracting(ChatSession::id).containsExactly(s1.id());
            assertThat(store.openSessionsOf(b)).extracting(ChatSession::id)
                    .containsExactlyInAnyOrder(s1.id(), s2.id());
            assertThat(store.openSessionsOf(b)).filteredOn(x -> x.id().equals(s2.id()))
                    .extracting(ChatSession::version).containsExactly(2L);
            assertThat(store.openSessionsOf(user("stranger"))).isEmpty();
        }

        @Test
        void terminalSessionsAreNotListed() {
            UserId a = user("a");
            ChatSession s = invited(a, user("b"), T0.plusSeconds(60));
            store.insert(s);
            ChatSession active = activated(s, T0);
            store.compareAndSet(1, active);
            store.compareAndSet(2, ended(active, T0.plusSeconds(10)));
            assertThat(store.openSessionsOf(a)).isEmpty();
            assertThat(store.find(s.id()).orElseThrow().state()).isEqualTo(ChatSessionState.ENDED);
        }
    }

    @Nested
    class Due {
        @Test
        void returnsSessionsAtOrBeforeNowEarliestFirstUpToLimit() {
            UserId a = user("a");
            ChatSession late = invited(a, user("b"), T0.plusSeconds(30));
            ChatSession early = invited(a, user("c"), T0.plusSeconds(10));
            ChatSession exact = invited(a, user("d"), T0.plusSeconds(20));
            ChatSession future = invited(a, user("e"), T0.plusSeconds(40));
            for (ChatSession s : List.of(late, early, exact, future)) {
                store.insert(s);
            }
            List<SessionId> due = store.due(T0.plusSeconds(30), 10);
            assertThat(due).containsSubsequence(early.id(), exact.id(), late.id()).doesNotContain(future.id());
            assertThat(store.due(T0.plusSeconds(30), 2)).hasSize(2).doesNotContain(late.id());
            assertThat(store.due(T0.plusSeconds(5), 10)).doesNotContain(early.id(), exact.id(), late.id());
        }

        @Test
        void followsTheDeadlineThroughUpdates() {
            ChatSession s = invited(user("a"), user("b"), T0.plusSeconds(10));
            store.insert(s);
            ChatSession active = activated(s, T0.plusSeconds(1)); // idle deadline 30 min later
            store.compareAndSet(1, active);
            assertThat(store.due(T0.plusSeconds(60), 100)).doesNotContain(s.id());
            assertThat(store.due(Objects.requireNonNull(active.timeoutAt()), 100)).contains(s.id());
            store.compareAndSet(2, ended(active, T0.plusSeconds(2)));
            assertThat(store.due(T0.plus(Duration.ofDays(1)), 100)).doesNotContain(s.id());
        }

        @Test
        void doesNotChangeAnything() {
            ChatSession s = invited(user("a"), user("b"), T0.plusSeconds(10));
            store.insert(s);
            assertThat(store.due(T0.plusSeconds(10), 10)).contains(s.id());
            assertThat(store.due(T0.plusSeconds(10), 10)).contains(s.id());
            assertThat(store.find(s.id())).contains(s);
        }
    }
}
