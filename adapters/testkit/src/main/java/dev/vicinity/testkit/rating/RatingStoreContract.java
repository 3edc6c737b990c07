package dev.vicinity.testkit.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.rating.spi.RatingStore.InsertResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link RatingStore} (and, when the backend has it, {@link RatingAuditStore}) that
 * every rating backend runs. Bind it in a few lines:
 *
 * <pre>
 * class InMemoryRatingStoreTest extends RatingStoreContract {
 *     protected RatingStore createStore() { return new InMemoryRatingStore(); }
 * }
 * </pre>
 *
 * Each test gets a fresh, empty store from {@link #createStore()} (a SQL or Redis binding must hand
 * out an empty namespace per call). Nothing here assumes more than the SPI javadoc: times are
 * arbitrary instants passed in, never a server clock. The scenario groups live along a class chain
 * ({@link RatingStoreFixture} &larr; {@link RatingStoreRowScenarios} &larr; this class): extending this
 * class binds them all.
 */
public abstract class RatingStoreContract extends RatingStoreRowScenarios {
    /**
     * The count-once rule of {@link RatingStore#insertIfAbsent(Rating, Duration)} and
     * {@link RatingStore#compareAndSet(long, Rating, Duration)}: of the reveals of one (rater, ratee) pair,
     * one counts per window, decided in the same atomic step as the reveal.
     */
    @Nested
    class CountOncePerWindow {
        private final Duration week = Duration.ofDays(7);

        private Rating sealed(SessionId session, UserId rater, UserId ratee, int stars) {
            Rating r = rating(RatingKey.of(session, rater, ratee), stars, RatingState.SEALED);
            assertThat(store.insertIfAbsent(r, week)).isInstanceOf(InsertResult.Inserted.class);
            return r;
        }

        private Rating reveal(Rating sealed, Instant at) {
            assertThat(store.compareAndSet(sealed.version(), sealed.withState(RatingState.REVEALED, at), week)).isTrue();
            return store.find(sealed.key()).orElseThrow();
        }

        private void assertAggregatesEqualRecount(UserId... users) {
            RatingAuditStore audit = auditOf(store);
            StarHistogram sum = StarHistogram.EMPTY;
            for (UserId u : users) {
                if (audit != null) {
                    RatingAuditStore.Snapshot snapshot = audit.snapshot(u);
                    assertThat(snapshot.stored()).as("aggregate of %s", u)
                            .isEqualTo(StarHistogram.recount(snapshot.ratings()));
                }
                sum = sum.plus(store.aggregate(u));
            }
            assertThat(store.platformAggregate()).isEqualTo(sum);
        }

        @Test
        void aSecondRevealOfThePairInsideTheWindowIsVisibleButNotCounted() {
            Rating first = reveal(sealed(S1, ALICE, BOB, 5), T0);
            Rating second = reveal(sealed(S2, ALICE, BOB, 1), T0.plus(Duration.ofDays(6)));

            assertThat(first.counted()).isTrue();
            assertThat(first.duplicate()).isFalse();
            assertThat(second.state()).isEqualTo(RatingState.REVEALED);
            assertThat(second.revealed()).isTrue();
            assertThat(second.duplicate()).isTrue();
            assertThat(second.counted()).isFalse();
            assertThat(store.aggregate(BOB)).isEqualTo(only(5));
            assertThat(store.platformAggregate()).isEqualTo(only(5));
            assertAggregatesEqualRecount(ALICE, BOB);
        }

        @Test
        void theWindowIsHalfOpenAndStartsAtTheLastCountedReveal() {
            reveal(sealed(S1, ALICE, BOB, 5), T0);
            Rating inside = reveal(sealed(S2, ALICE, BOB, 4), T0.plus(week).minusNanos(1));
            Rating atEnd = reveal(sealed(SessionId.of("s3"), ALICE, BOB, 3), T0.plus(week));
            Rating afterSecond = reveal(sealed(SessionId.of("s4"), ALICE, BOB, 2), T0.plus(week).plusSeconds(1));
            Rating earlier = reveal(sealed(SessionId.of("s5"), ALICE, BOB, 1), T0.minus(week));

            assertThat(inside.duplicate()).isTrue();
            assertThat(atEnd.counted()).isTrue();
            assertThat(afterSecond.duplicate()).as("inside the window of the second counted reveal").isTrue();
            assertThat(earlier.duplicate()).as("a reveal before the last counted one").isTrue();
            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.of(0, 0, 1, 0, 1));
            assertAggregatesEqualRecount(BOB);
        }

        @Test
        void aRatingInsertedRevealedFollowsTheSameRule() {
            Rating first = rating(RatingKey.of(S1, ALICE, BOB), 5, RatingState.REVEALED);
            Rating second = Rating.create(RatingKey.of(S2, ALICE, BOB), 2, Set.of(), null, null, RatingState.REVEALED,
                    T0.plusSeconds(60), T0.plus(week));

            InsertResult a = store.insertIfAbsent(first, week);
            InsertResult b = store.insertIfAbsent(second, week);

            assertThat(a).isEqualTo(new InsertResult.Inserted(first));
            assertThat(b).isInstanceOf(InsertResult.Inserted.class);
            assertThat(b.rating().duplicate()).isTrue();
            assertThat(store.find(second.key())).contains(second.withDuplicate(true));
            assertThat(store.aggregate(BOB)).isEqualTo(only(5));
            assertAggregatesEqualRecount(BOB);
        }

        @Test
        void otherPairsAreCountedIndependently() {
            reveal(sealed(S1, ALICE, BOB, 5), T0);
            Rating carolAboutBob = reveal(sealed(S2, CAROL, BOB, 4), T0.plusSeconds(1));
            Rating aliceAboutCarol = reveal(sealed(S2, ALICE, CAROL, 3), T0.plusSeconds(2));
            Rating bobAboutAlice = reveal(sealed(S1, BOB, ALICE, 2), T0.plusSeconds(3));

            assertThat(List.of(carolAboutBob, aliceAboutCarol, bobAboutAlice)).allSatisfy(r ->
                    assertThat(r.counted()).as("%s", r).isTrue());
            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.of(0, 0, 0, 1, 1));
            assertAggregatesEqualRecount(ALICE, BOB, CAROL);
        }

        @Test
        void aZeroWindowCountsEveryReveal() {
            Rating a = rating(RatingKey.of(S1, ALICE, BOB), 5, RatingState.SEALED);
            Rating b = rating(RatingKey.of(S2, ALICE, BOB), 3, RatingState.SEALED);
            store.insertIfAbsent(a, Duration.ZERO);
            store.insertIfAbsent(b, Duration.ZERO);

            assertThat(store.compareAndSet(1, a.withState(RatingState.REVEALED, T0), Duration.ZERO)).isTrue();
            assertThat(store.compareAndSet(1, b.withState(RatingState.REVEALED, T0), Duration.ZERO)).isTrue();

            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.of(0, 0, 1, 0, 1));
            assertThat(store.find(b.key()).orElseThrow().duplicate()).isFalse();
        }

        @Test
        void withdrawalsStayExactAndDoNotPromoteADuplicate() {
            Rating counted = reveal(sealed(S1, ALICE, BOB, 5), T0);
            Rating duplicate = reveal(sealed(S2, ALICE, BOB, 2), T0.plusSeconds(10));

            assertThat(store.compareAndSet(counted.version(), counted.withState(RatingState.WITHDRAWN,
                    T0.plusSeconds(20)), week)).isTrue();
            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
            assertThat(store.find(duplicate.key()).orElseThrow().counted()).isFalse();

            assertThat(store.compareAndSet(duplicate.version(), duplicate.withState(RatingState.WITHDRAWN,
                    T0.plusSeconds(30)), week)).isTrue();
            Rating withdrawn = store.find(duplicate.key()).orElseThrow();
            assertThat(withdrawn.state()).isEqualTo(RatingState.WITHDRAWN);
            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
            assertThat(store.platformAggregate()).isEqualTo(StarHistogram.EMPTY);

            // The window still runs from the withdrawn rating's reveal: a withdrawal does not reset it.
            assertThat(reveal(sealed(SessionId.of("s3"), ALICE, BOB, 4), T0.plus(Duration.ofDays(1))).duplicate())
                    .isTrue();
            assertAggregatesEqualRecount(BOB);
        }

        @Test
        void aWriterCannotClearTheStoredDuplicateFlag() {
            reveal(sealed(S1, ALICE, BOB, 5), T0);
            Rating duplicate = reveal(sealed(S2, ALICE, BOB, 2), T0.plusSeconds(10));

            Rating rewritten = new Rating(duplicate.key(), 2, duplicate.tags(), duplicate.comment(),
                    duplicate.idempotencyKey(), RatingState.REVEALED, duplicate.submittedAt(), duplicate.revealAt(),
                    T0.plus(Duration.ofDays(30)), duplicate.version() + 1, false);
            assertThat(store.compareAndSet(duplicate.version(), rewritten, week)).isTrue();

            assertThat(store.find(duplicate.key()).orElseThrow().duplicate()).isTrue();
            assertThat(store.aggregate(BOB)).isEqualTo(only(5));
            assertAggregatesEqualRecount(BOB);
        }

        @Test
        void aNegativeWindowIsRejected() {
            Rating r = rating(RatingKey.of(S1, ALICE, BOB), 5, RatingState.REVEALED);
            assertThatThrownBy(() -> store.insertIfAbsent(r, Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.find(r.key())).isEmpty();
        }

        @Test
        @Timeout(60)
        void racingRevealsOfOnePairInManySessionsCountExactlyOne() throws Exception {
            int n = threads();
            List<Rating> sealedRatings = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sealedRatings.add(sealed(SessionId.of("race-" + i), ALICE, BOB, 1 + i % 5));
            }

            List<Boolean> revealed = race(n, i -> store.compareAndSet(1,
                    sealedRatings.get(i).withState(RatingState.REVEALED, T0.plusMillis(i)), week));

            assertThat(revealed).containsOnly(true);
            List<Rating> after = sealedRatings.stream().map(r -> store.find(r.key()).orElseThrow()).toList();
            assertThat(after).allSatisfy(r -> assertThat(r.revealed()).isTrue());
            assertThat(after.stream().filter(Rating::counted).count()).isEqualTo(1);
            assertThat(store.aggregate(BOB).count()).isEqualTo(1);
            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.recount(after));
            assertAggregatesEqualRecount(BOB);
        }

        @Test
        @Timeout(60)
        void racingRevealedInsertsOfOnePairCountExactlyOne() throws Exception {
            int n = threads();
            List<InsertResult> results = race(n, i -> store.insertIfAbsent(Rating.create(
                    RatingKey.of(SessionId.of("race-" + i), ALICE, BOB), 1 + i % 5, Set.of(), null, null,
                    RatingState.REVEALED, T0.plusMillis(i), T0.plus(week)), week));

            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(InsertResult.Inserted.class));
            assertThat(results.stream().filter(r -> r.rating().counted()).count()).isEqualTo(1);
            List<Rating> stored = results.stream().map(r -> store.find(r.rating().key()).orElseThrow()).toList();
            assertThat(stored).isEqualTo(results.stream().map(InsertResult::rating).toList());
            assertThat(store.aggregate(BOB).count()).isEqualTo(1);
            assertAggregatesEqualRecount(BOB);
        }
    }

    @Nested
    class Audit {
        @SuppressWarnings("NullAway.Init") // set by requireAudit(), which skips the tests when there is none
        private RatingAuditStore audit;

        @BeforeEach
        void requireAudit() {
            RatingAuditStore a = auditOf(store);
            assumeTrue(a != null, "backend has no RatingAuditStore");
            audit = Objects.requireNonNull(a);
        }

        @Test
        void snapshotHoldsTheStoredAggregateAndEveryRatingAboutTheUser() {
            Rating sealed = rating(RatingKey.of(S1, ALICE, BOB), 2, RatingState.SEALED);
            Rating revealed = rating(RatingKey.of(S2, CAROL, BOB), 5, RatingState.REVEALED);
            Rating other = rating(RatingKey.of(S1, BOB, ALICE), 1, RatingState.REVEALED);
            store.insertIfAbsent(sealed);
            store.insertIfAbsent(revealed);
            store.insertIfAbsent(other);

            RatingAuditStore.Snapshot snapshot = audit.snapshot(BOB);

            assertThat(snapshot.stored()).isEqualTo(only(5));
            assertThat(snapshot.ratings()).containsExactlyInAnyOrder(sealed, revealed);
            assertThat(audit.snapshot(CAROL)).isEqualTo(new RatingAuditStore.Snapshot(StarHistogram.EMPTY, List.of()));
        }

        @Test
        void replaceAggregateIsACompareAndSetThatAlsoMovesThePlatform() {
            store.insertIfAbsent(rating(RatingKey.of(S1, ALICE, BOB), 4, RatingState.REVEALED));
            store.insertIfAbsent(rating(RatingKey.of(S1, BOB, ALICE), 2, RatingState.REVEALED));
            StarHistogram wrong = StarHistogram.of(0, 0, 3, 4, 0);

            assertThat(audit.replaceAggregate(BOB, StarHistogram.EMPTY, wrong)).isFalse();
            assertThat(store.aggregate(BOB)).isEqualTo(only(4));

            assertThat(audit.replaceAggregate(BOB, only(4), wrong)).isTrue();
            assertThat(store.aggregate(BOB)).isEqualTo(wrong);
            assertThat(store.platformAggregate()).isEqualTo(wrong.plus(only(2)));

            assertThat(audit.replaceAggregate(BOB, wrong, only(4))).isTrue();
            assertThat(store.platformAggregate()).isEqualTo(only(4).plus(only(2)));
        }

        @Test
        void replaceAggregateWorksForAUserWithoutRatings() {
            assertThat(audit.replaceAggregate(CAROL, StarHistogram.EMPTY, only(3))).isTrue();
            assertThat(store.aggregate(CAROL)).isEqualTo(only(3));
            assertThat(store.platformAggregate()).isEqualTo(only(3));
        }
    }

    /** {@link RatingStore#aggregates}: one batch read, the same answers as {@link RatingStore#aggregate}. */
    @Nested
    class BatchAggregates {
        @Test
        void aBatchReadGivesEveryRequestedUserTheSingleReadsHistogram() {
            store.insertIfAbsent(rating(RatingKey.of(S1, ALICE, BOB), 3, RatingState.REVEALED));
            store.insertIfAbsent(rating(RatingKey.of(S2, ALICE, BOB), 5, RatingState.REVEALED));
            store.insertIfAbsent(rating(RatingKey.of(S1, BOB, ALICE), 2, RatingState.REVEALED));
            store.insertIfAbsent(rating(RatingKey.of(S1, BOB, CAROL), 4, RatingState.SEALED));
            List<UserId> asked = new ArrayList<>();
            for (int i = 0; i < 300; i++) { // a large bucket: mostly users never rated
                asked.add(UserId.of("batch-" + i));
            }
            asked.addAll(List.of(ALICE, BOB, CAROL));

            java.util.Map<UserId, StarHistogram> batch = store.aggregates(asked);

            assertThat(batch.keySet()).containsExactlyInAnyOrderElementsOf(asked);
            for (UserId u : asked) {
                assertThat(batch.get(u)).as("aggregate of %s", u).isEqualTo(store.aggregate(u));
            }
            assertThat(batch.get(BOB)).isEqualTo(StarHistogram.of(0, 0, 1, 0, 1));
            assertThat(batch.get(ALICE)).isEqualTo(only(2));
            assertThat(batch.get(CAROL)).as("sealed ratings do not count").isEqualTo(StarHistogram.EMPTY);
            assertThat(store.aggregates(List.of())).isEmpty();
        }
    }
}
