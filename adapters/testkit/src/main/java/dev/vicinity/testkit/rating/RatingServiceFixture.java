package dev.vicinity.testkit.rating;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.MutableClock;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.RatingRejection;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of {@link RatingServiceContract}: the backend hooks ({@link #createStore()} and the
 * capability and size knobs), a fresh store, {@link MutableClock}, session source, recording listener
 * and service per test, and the helpers its scenarios share. Bind {@link RatingServiceContract}, which
 * inherits every scenario group; this class holds no test itself.
 */
public abstract class RatingServiceFixture {

    /**
     * How many seeded random operation sequences (120 steps each) the random-sequence test runs;
     * default 25. Backends with a network round trip per step may lower it to keep the build fast.
     */
    protected int randomSequenceSeeds() {
        return 25;
    }

    /** A fresh, empty store. */
    protected abstract RatingStore createStore();

    /** Audit capability, as in {@link RatingStoreContract#auditOf}. */
    protected @Nullable RatingAuditStore auditOf(RatingStore store) {
        return store instanceof RatingAuditStore audit ? audit : null;
    }

    /** Threads of the concurrency tests. */
    protected int threads() {
        return 16;
    }

    /** A rater or ratee. */
    protected static final UserId ALICE = UserId.of("alice");
    /** A rater or ratee. */
    protected static final UserId BOB = UserId.of("bob");
    /** A rater or ratee. */
    protected static final UserId CAROL = UserId.of("carol");
    /** A user who tries what they are not allowed to. */
    protected static final UserId MALLORY = UserId.of("mallory");
    /** The rating window the service under test uses (the library default). */
    protected static final Duration WINDOW = RatingService.DEFAULT_RATING_WINDOW;

    /** The store under test, created before each test. */
    protected RatingStore store;
    /** The clock the service and the tests share; tests advance it instead of sleeping. */
    protected MutableClock clock;
    /** The ended sessions the service may rate. */
    protected TestSessions sessions;
    /** Records the listener calls of the service. */
    protected RecordingListener listener;
    /** The service under test, on {@link #store}. */
    protected RatingService service;
    /** When the sessions made by {@link #endedSession} ended. */
    protected Instant endedAt;
    private int sessionCounter;

    @BeforeEach
    void setUp() {
        store = createStore();
        clock = new MutableClock();
        sessions = new TestSessions();
        listener = new RecordingListener();
        service = serviceBuilder().build();
        endedAt = clock.instant();
    }

    /** A builder over the test's store, sessions, clock and listener with default options. */
    protected RatingService.Builder serviceBuilder() {
        return RatingService.builder(store, sessions).clock(clock).listener(listener);
    }

    /** A new session of {@code participants} that ended at {@link #endedAt}. */
    protected SessionId endedSession(UserId... participants) {
        return sessions.ended(SessionId.of("sess-" + ++sessionCounter), endedAt, participants);
    }

    /** Asserts {@code result} is accepted and returns it. */
    protected static RatingResult.Accepted accepted(RatingResult result) {
        assertThat(result).isInstanceOf(RatingResult.Accepted.class);
        return (RatingResult.Accepted) result;
    }

    /** The rejection result for {@code reason}. */
    protected static RatingResult rejected(RatingRejection reason) {
        return new RatingResult.Rejected(reason);
    }

    /** Runs {@code task} on {@code n} threads released together; their results in index order. */
    protected static <T> List<T> race(int n, Race.IndexedTask<T> task) throws Exception {
        return Race.run(n, task);
    }
}
