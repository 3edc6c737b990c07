package dev.vicinity.testkit.rating;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of {@link RatingStoreContract}: the backend hooks ({@link #createStore()}, the audit
 * capability, the thread count), a fresh store per test, and the rating builders and helpers its
 * scenarios share. Bind {@link RatingStoreContract}, which inherits every scenario group; this class
 * holds no test itself.
 */
public abstract class RatingStoreFixture {

    /** A fresh, empty store. */
    protected abstract RatingStore createStore();

    /**
     * Capability: the audit primitives used by reconcile. Default: the store itself when it
     * implements {@link RatingAuditStore}, otherwise null and the audit tests are skipped.
     */
    protected @Nullable RatingAuditStore auditOf(RatingStore store) {
        return store instanceof RatingAuditStore audit ? audit : null;
    }

    /** Threads used by the concurrency tests. */
    protected int threads() {
        return 16;
    }

    /** The instant every test starts at. */
    protected static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    /** A rater or ratee. */
    protected static final UserId ALICE = UserId.of("alice");
    /** A rater or ratee. */
    protected static final UserId BOB = UserId.of("bob");
    /** A rater or ratee. */
    protected static final UserId CAROL = UserId.of("carol");
    /** A session ratings refer to. */
    protected static final SessionId S1 = SessionId.of("s1");
    /** Another session ratings refer to. */
    protected static final SessionId S2 = SessionId.of("s2");

    /** The store under test, created before each test. */
    protected RatingStore store;

    @BeforeEach
    void freshStore() {
        store = createStore();
    }

    /** A rating of {@code key} submitted at {@link #T0}, revealed (or due) 7 days later. */
    protected static Rating rating(RatingKey key, int stars, RatingState state) {
        return rating(key, stars, state, T0.plus(Duration.ofDays(7)));
    }

    /** A rating of {@code key} submitted at {@link #T0}, due at {@code revealAt}. */
    protected static Rating rating(RatingKey key, int stars, RatingState state, Instant revealAt) {
        return Rating.create(key, stars, Set.of("kind"), "thanks", "idem-1", state, T0, revealAt);
    }

    /** The histogram of a single rating of {@code stars}. */
    protected static StarHistogram only(int stars) {
        return StarHistogram.EMPTY.plus(stars);
    }

    /** Runs {@code task} on {@code n} threads released together; their results in index order. */
    protected static <T> List<T> race(int n, Race.IndexedTask<T> task) throws Exception {
        return Race.run(n, task);
    }
}
