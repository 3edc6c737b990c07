package dev.vicinity.memory;

import dev.vicinity.rating.memory.InMemoryRatingStore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.OnlineCheck;
import dev.vicinity.geo.ScoreProvider;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingScores;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.ScorePolicy;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link RatingScores#of}: a batch of scores is one {@link RatingStore#aggregates} read of the real
 * {@link InMemoryRatingStore} (behind a counting wrapper), equal to the per-user scores; wired into the
 * matcher it is one read per distance bucket.
 */
class RatingScoresBatchTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    static final class CountingRatingStore implements RatingStore {
        final RatingStore delegate;
        final AtomicInteger singleReads = new AtomicInteger();
        final AtomicInteger batchReads = new AtomicInteger();

        CountingRatingStore(RatingStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public InsertResult insertIfAbsent(Rating rating) {
            return delegate.insertIfAbsent(rating);
        }

        @Override
        public Optional<Rating> find(RatingKey key) {
            return delegate.find(key);
        }

        @Override
        public boolean compareAndSet(long expectedVersion, Rating updated) {
            return delegate.compareAndSet(expectedVersion, updated);
        }

        @Override
        public StarHistogram aggregate(UserId ratee) {
            singleReads.incrementAndGet();
            return delegate.aggregate(ratee);
        }

        @Override
        public Map<UserId, StarHistogram> aggregates(Collection<UserId> ratees) {
            batchReads.incrementAndGet();
            return delegate.aggregates(ratees);
        }

        @Override
        public StarHistogram platformAggregate() {
            return delegate.platformAggregate();
        }

        @Override
        public List<RatingKey> sealedDueBy(Instant now, int limit) {
            return delegate.sealedDueBy(now, limit);
        }
    }

    /** Gives {@code ratee} {@code count} revealed ratings of {@code stars}. */
    private static void rate(RatingStore store, UserId ratee, int count, int stars) {
        for (int i = 0; i < count; i++) {
            RatingKey key = RatingKey.of(SessionId.of("s" + i), UserId.of("rater" + i), ratee);
            store.insertIfAbsent(Rating.create(key, stars, Set.of(), null, "idem-" + ratee.value() + i,
                    RatingState.REVEALED, T0, T0.plus(Duration.ofDays(7))));
        }
    }

    @Test
    void aBatchOfScoresIsOneAggregateReadAndEqualsThePerUserScores() {
        CountingRatingStore store = new CountingRatingStore(new InMemoryRatingStore());
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            UserId u = UserId.of("u" + i);
            users.add(u);
            rate(store, u, i % 6, 1 + i % 5); // 0..5 ratings: some below the minimum count
        }
        RatingScores scores = RatingScores.of(store, ScorePolicy.DEFAULTS);

        double[] batch = scores.scoresOf(users, Double.NaN);

        assertThat(store.batchReads.get()).isEqualTo(1);
        assertThat(store.singleReads.get()).isZero();
        for (int i = 0; i < users.size(); i++) {
            assertThat(Double.valueOf(batch[i])).as("score of %s", users.get(i))
                    .isEqualTo(Double.valueOf(scores.scoreOf(users.get(i)).orElse(Double.NaN)));
        }
        assertThat(java.util.Arrays.stream(batch).filter(Double::isNaN).count()).isBetween(1L, (long) batch.length - 1);
    }

    @Test
    void theMatcherReadsRatingAggregatesOncePerBucket() {
        GeoNearbyBatchCallsTest.World w = new GeoNearbyBatchCallsTest.World(2_000);
        CountingRatingStore store = new CountingRatingStore(new InMemoryRatingStore());
        for (int i = 0; i < 12; i++) {
            rate(store, UserId.of("u" + i), 4, 1 + i % 5);
        }
        RatingScores scores = RatingScores.of(store, ScorePolicy.DEFAULTS);
        NearbyMatcher matcher = w.matcher(OnlineCheck.batch(w.presence::onlineAmong),
                ScoreProvider.batch(users -> scores.scoresOf(users, Double.NaN)));

        NearbyPage page = matcher.nearby(NearbyQuery.of(w.querier, 5_000, 20));

        assertThat(page.matches()).hasSize(12).allMatch(m -> !Double.isNaN(m.score()));
        assertThat(store.batchReads.get()).isEqualTo(3);
        assertThat(store.singleReads.get()).isZero();
        assertThat(w.store.batchReads.get()).isEqualTo(3);
    }
}
