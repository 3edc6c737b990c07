package dev.vicinity.bench.rating;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.RatableSession;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.RatingSummary;
import dev.vicinity.rating.StarHistogram;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rating on {@link InMemoryRatingStore}: submit throughput (a first, sealed rating; and a mutual pair,
 * which reveals both and updates two aggregates) and read throughput of the O(1) aggregate, the
 * summary (two aggregate reads plus the score formulas) and the ranking score.
 *
 * <p>Every submit uses a fresh session between two of 1,000 users; the store is replaced every
 * iteration so memory stays bounded. The read benchmarks run on 10,000 users with 200,000 revealed
 * ratings. Session facts come from a constant lookup (every user is a participant, the session ended
 * one hour before the fixed clock), so the figures measure rating, not a session store.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class RatingBenchmark {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static UserId[] users(int n) {
        UserId[] users = new UserId[n];
        for (int i = 0; i < n; i++) {
            users[i] = UserId.of("user-" + i);
        }
        return users;
    }

    static RatingService service(InMemoryRatingStore store, UserId[] users) {
        Set<UserId> everyone = new HashSet<>(Set.of(users));
        RatableSession facts = RatableSession.ended(SessionId.of("any"), everyone, NOW.minusSeconds(3600));
        Optional<RatableSession> found = Optional.of(facts);
        return RatingService.builder(store, id -> found).clock(CLOCK).build();
    }

    /** A fresh store per iteration for the submit benchmarks. */
    @State(Scope.Benchmark)
    public static class SubmitState {
        final UserId[] users = users(1_000);
        final AtomicInteger threadIds = new AtomicInteger();
        volatile RatingService service;

        @Setup(Level.Iteration)
        public void freshStore() {
            service = service(new InMemoryRatingStore(), users);
        }
    }

    /** Per-thread session counter and random pair picker. */
    @State(Scope.Thread)
    public static class Caller {
        String prefix;
        long next;
        SplittableRandom rnd;

        @Setup
        public void setUp(SubmitState shared) {
            int id = shared.threadIds.incrementAndGet();
            prefix = "t" + id + "-";
            rnd = new SplittableRandom(id);
        }
    }

    /** 10,000 users with 200,000 revealed ratings for the read benchmarks. */
    @State(Scope.Benchmark)
    public static class ReadState {
        final UserId[] users = users(10_000);
        RatingService service;

        @Setup(Level.Trial)
        public void fill() {
            service = service(new InMemoryRatingStore(), users);
            SplittableRandom rnd = new SplittableRandom(42);
            for (int i = 0; i < 100_000; i++) {
                int a = rnd.nextInt(users.length);
                int b = (a + 1 + rnd.nextInt(users.length - 1)) % users.length;
                SessionId s = SessionId.of("fill-" + i);
                service.submit(s, users[a], users[b], 1 + rnd.nextInt(5));
                service.submit(s, users[b], users[a], 1 + rnd.nextInt(5));
            }
        }
    }

    /** Per-thread random user picker for reads. */
    @State(Scope.Thread)
    public static class Reader {
        final SplittableRandom rnd = new SplittableRandom(7);
    }

    private static RatingResult submitOne(SubmitState state, Caller caller, boolean pair) {
        UserId[] users = state.users;
        int a = caller.rnd.nextInt(users.length);
        int b = (a + 1 + caller.rnd.nextInt(users.length - 1)) % users.length;
        SessionId s = SessionId.of(caller.prefix + caller.next++);
        RatingResult first = state.service.submit(s, users[a], users[b], 1 + caller.rnd.nextInt(5));
        return pair ? state.service.submit(s, users[b], users[a], 1 + caller.rnd.nextInt(5)) : first;
    }

    /** One first (sealed) rating per operation. */
    @Benchmark
    public RatingResult submitSealed(SubmitState state, Caller caller) {
        return submitOne(state, caller, false);
    }

    /** Same on two threads. */
    @Benchmark
    @Threads(2)
    public RatingResult submitSealed2Threads(SubmitState state, Caller caller) {
        return submitOne(state, caller, false);
    }

    /** Two submits per operation: the answer reveals both ratings and updates both aggregates. */
    @Benchmark
    public RatingResult submitMutualPair(SubmitState state, Caller caller) {
        return submitOne(state, caller, true);
    }

    /** The O(1) histogram read. */
    @Benchmark
    public StarHistogram aggregateRead(ReadState state, Reader reader) {
        return state.service.aggregate(state.users[reader.rnd.nextInt(state.users.length)]);
    }

    /** Same on two threads. */
    @Benchmark
    @Threads(2)
    public StarHistogram aggregateRead2Threads(ReadState state, Reader reader) {
        return state.service.aggregate(state.users[reader.rnd.nextInt(state.users.length)]);
    }

    /** Histogram + platform histogram + mean, Bayesian mean and lower bound. */
    @Benchmark
    public RatingSummary summaryRead(ReadState state, Reader reader) {
        return state.service.summary(state.users[reader.rnd.nextInt(state.users.length)]);
    }

    /** The ranking score handed to matching. */
    @Benchmark
    public double rankingScore(ReadState state, Reader reader) {
        return state.service.scores().scoreOf(state.users[reader.rnd.nextInt(state.users.length)]).orElse(0);
    }
}
