package dev.vicinity.testkit.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingStore.InsertResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The row primitives of {@link RatingStoreContract}: insert-if-absent, compare-and-set, the sealed-due
 * query and their behaviour under concurrent writers. Part of the contract's class chain; bind
 * {@link RatingStoreContract}, not this class.
 */
public abstract class RatingStoreRowScenarios extends RatingStoreFixture {
    @Nested
    class InsertIfAbsent {
        @Test
        void sealedRatingIsStoredButNotCounted() {
            RatingKey key = RatingKey.of(S1, ALICE, BOB);
            Rating r = rating(key, 4, RatingState.SEALED);

            assertThat(store.insertIfAbsent(r)).isEqualTo(new InsertResult.Inserted(r));

            assertThat(store.find(key)).contains(r);
            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
            assertThat(store.platformAggregate()).isEqualTo(StarHistogram.EMPTY);
        }

        @Test
        void storedRatingKeepsEveryField() {
            RatingKey key = RatingKey.of(S1, ALICE, BOB);
            Rating r = Rating.create(key, 2, Set.of("late", "rude"), "long comment ✓", "k-42",
                    RatingState.SEALED, T0, T0.plusSeconds(100));
            store.insertIfAbsent(r);

            Rating back = store.find(key).orElseThrow();
            assertThat(back).isEqualTo(r);
            assertThat(back.tags()).containsExactly("late", "rude");
            assertThat(back.comment()).isEqualTo("long comment ✓");
            assertThat(back.idempotencyKey()).isEqualTo("k-42");
            assertThat(back.submittedAt()).isEqualTo(T0);
            assertThat(back.revealAt()).isEqualTo(T0.plusSeconds(100));
        }

        @Test
        void revealedRatingIsCountedForTheRateeAndThePlatform() {
            store.insertIfAbsent(rating(RatingKey.of(S1, ALICE, BOB), 5, RatingState.REVEALED));

            assertThat(store.aggregate(BOB)).isEqualTo(only(5));
            assertThat(store.aggregate(ALICE)).isEqualTo(StarHistogram.EMPTY);
            assertThat(store.platformAggregate()).isEqualTo(only(5));
        }

        @Test
        void secondInsertOfTheSameKeyConflictsAndChangesNothing() {
            RatingKey key = RatingKey.of(S1, ALICE, BOB);
            Rating first = rating(key, 5, RatingState.REVEALED);
            store.insertIfAbsent(first);

            InsertResult again = store.insertIfAbsent(rating(key, 1, RatingState.REVEALED));

            assertThat(again).isEqualTo(new InsertResult.Conflict(first));
            assertThat(store.find(key)).contains(first);
            assertThat(store.aggregate(BOB)).isEqualTo(only(5));
            assertThat(store.platformAggregate()).isEqualTo(only(5));
        }

        @Test
        void keysDifferingInAnyPartAreDistinct() {
            store.insertIfAbsent(rating(RatingKey.of(S1, ALICE, BOB), 3, RatingState.REVEALED));
            assertThat(store.insertIfAbsent(rating(RatingKey.of(S2, ALICE, BOB), 4, RatingState.REVEALED)))
                    .isInstanceOf(InsertResult.Inserted.class);
            assertThat(store.insertIfAbsent(rating(RatingKey.of(S1, BOB, ALICE), 2, RatingState.REVEALED)))
                    .isInstanceOf(InsertResult.Inserted.class);
            assertThat(store.insertIfAbsent(rating(RatingKey.of(S1, CAROL, BOB), 1, RatingState.REVEALED)))
                    .isInstanceOf(InsertResult.Inserted.class);

            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.of(1, 0, 1, 1, 0));
            assertThat(store.aggregate(ALICE)).isEqualTo(StarHistogram.of(0, 1, 0, 0, 0));
            assertThat(store.platformAggregate()).isEqualTo(StarHistogram.of(1, 1, 1, 1, 0));
        }

        @Test
        void rejectsAVersionOtherThanOne() {
            Rating r = rating(RatingKey.of(S1, ALICE, BOB), 3, RatingState.SEALED).withState(RatingState.SEALED, T0);
            assertThatThrownBy(() -> store.insertIfAbsent(r)).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.find(r.key())).isEmpty();
        }

        @Test
        void unknownKeyAndUserReadAsEmpty() {
            assertThat(store.find(RatingKey.of(S1, ALICE, BOB))).isEmpty();
            assertThat(store.aggregate(CAROL)).isEqualTo(StarHistogram.EMPTY);
        }
    }

    @Nested
    class CompareAndSet {
        private final RatingKey key = RatingKey.of(S1, ALICE, BOB);

        @Test
        void revealCountsTheRatingOnce() {
            Rating sealed = rating(key, 4, RatingState.SEALED);
            store.insertIfAbsent(sealed);
            Rating revealed = sealed.withState(RatingState.REVEALED, T0.plusSeconds(1));

            assertThat(store.compareAndSet(1, revealed)).isTrue();
            assertThat(store.compareAndSet(1, revealed)).as("stale version").isFalse();

            assertThat(store.find(key)).contains(revealed);
            assertThat(store.aggregate(BOB)).isEqualTo(only(4));
            assertThat(store.platformAggregate()).isEqualTo(only(4));
        }

        @Test
        void withdrawOfARevealedRatingUncountsItOnce() {
            Rating revealed = rating(key, 2, RatingState.REVEALED);
            store.insertIfAbsent(revealed);
            store.insertIfAbsent(rating(RatingKey.of(S2, CAROL, BOB), 2, RatingState.REVEALED));
            Rating withdrawn = revealed.withState(RatingState.WITHDRAWN, T0.plusSeconds(5));

            assertThat(store.compareAndSet(1, withdrawn)).isTrue();
            assertThat(store.compareAndSet(1, withdrawn)).isFalse();

            assertThat(store.aggregate(BOB)).isEqualTo(only(2));
            assertThat(store.platformAggregate()).isEqualTo(only(2));
        }

        @Test
        void withdrawOfASealedRatingLeavesAggregatesAlone() {
            Rating sealed = rating(key, 2, RatingState.SEALED);
            store.insertIfAbsent(sealed);

            assertThat(store.compareAndSet(1, sealed.withState(RatingState.WITHDRAWN, T0))).isTrue();

            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
            assertThat(store.platformAggregate()).isEqualTo(StarHistogram.EMPTY);
            assertThat(store.find(key).orElseThrow().state()).isEqualTo(RatingState.WITHDRAWN);
        }

        @Test
        void editOfASealedRatingIsStoredAndCountedOnlyOnReveal() {
            Rating sealed = rating(key, 1, RatingState.SEALED);
            store.insertIfAbsent(sealed);
            Rating edited = sealed.withContent(5, Set.of("funny"), null, T0.plusSeconds(2));

            assertThat(store.compareAndSet(1, edited)).isTrue();
            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
            assertThat(store.find(key)).contains(edited);

            assertThat(store.compareAndSet(2, edited.withState(RatingState.REVEALED, T0.plusSeconds(3)))).isTrue();
            assertThat(store.aggregate(BOB)).isEqualTo(only(5));
        }

        @Test
        void changingTheStarsOfACountedRatingMovesItsBucket() {
            Rating revealed = rating(key, 1, RatingState.REVEALED);
            store.insertIfAbsent(revealed);

            assertThat(store.compareAndSet(1, revealed.withContent(4, Set.of(), null, T0))).isTrue();

            assertThat(store.aggregate(BOB)).isEqualTo(only(4));
            assertThat(store.platformAggregate()).isEqualTo(only(4));
        }

        @Test
        void missingRatingOrWrongVersionWritesNothing() {
            Rating sealed = rating(key, 3, RatingState.SEALED);
            assertThat(store.compareAndSet(1, sealed.withState(RatingState.REVEALED, T0))).isFalse();
            assertThat(store.find(key)).isEmpty();

            store.insertIfAbsent(sealed);
            Rating v2 = sealed.withState(RatingState.SEALED, T0);
            Rating v3 = v2.withState(RatingState.REVEALED, T0);
            assertThat(store.compareAndSet(2, v3)).isFalse();
            assertThat(store.find(key)).contains(sealed);
            assertThat(store.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
        }

        @Test
        void rejectsAnUpdateWhoseVersionIsNotTheNext() {
            Rating sealed = rating(key, 3, RatingState.SEALED);
            store.insertIfAbsent(sealed);
            Rating v3 = sealed.withState(RatingState.SEALED, T0).withState(RatingState.REVEALED, T0);
            assertThatThrownBy(() -> store.compareAndSet(1, v3)).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.find(key)).contains(sealed);
        }
    }

    @Nested
    class SealedDueBy {
        @Test
        void returnsOnlySealedRatingsDueByNowEarliestFirst() {
            RatingKey late = RatingKey.of(S1, ALICE, BOB);
            RatingKey early = RatingKey.of(S2, CAROL, BOB);
            RatingKey exact = RatingKey.of(S2, BOB, CAROL);
            RatingKey future = RatingKey.of(S1, BOB, ALICE);
            RatingKey revealed = RatingKey.of(S1, CAROL, ALICE);
            Instant now = T0.plusSeconds(100);
            store.insertIfAbsent(rating(late, 3, RatingState.SEALED, T0.plusSeconds(50)));
            store.insertIfAbsent(rating(early, 3, RatingState.SEALED, T0.plusSeconds(10)));
            store.insertIfAbsent(rating(exact, 3, RatingState.SEALED, now));
            store.insertIfAbsent(rating(future, 3, RatingState.SEALED, now.plusNanos(1)));
            store.insertIfAbsent(rating(revealed, 3, RatingState.REVEALED, T0));

            assertThat(store.sealedDueBy(now, 10)).containsExactly(early, late, exact);
            assertThat(store.sealedDueBy(now, 2)).containsExactly(early, late);
            assertThat(store.sealedDueBy(T0, 10)).isEmpty();
        }

        @Test
        void aRatingLeavesTheDueListWhenItIsNoLongerSealed() {
            RatingKey a = RatingKey.of(S1, ALICE, BOB);
            RatingKey b = RatingKey.of(S1, BOB, ALICE);
            Rating ra = rating(a, 3, RatingState.SEALED, T0);
            Rating rb = rating(b, 3, RatingState.SEALED, T0);
            store.insertIfAbsent(ra);
            store.insertIfAbsent(rb);

            store.compareAndSet(1, ra.withState(RatingState.REVEALED, T0));
            store.compareAndSet(1, rb.withState(RatingState.WITHDRAWN, T0));

            assertThat(store.sealedDueBy(T0.plusSeconds(1), 10)).isEmpty();
        }

        @Test
        void anEditedSealedRatingStaysDue() {
            RatingKey a = RatingKey.of(S1, ALICE, BOB);
            Rating ra = rating(a, 3, RatingState.SEALED, T0);
            store.insertIfAbsent(ra);
            store.compareAndSet(1, ra.withContent(4, Set.of(), null, T0));

            assertThat(store.sealedDueBy(T0, 10)).containsExactly(a);
        }

        @Test
        void rejectsANonPositiveLimit() {
            assertThatThrownBy(() -> store.sealedDueBy(T0, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Concurrency {
        @Test
        @Timeout(30)
        void concurrentInsertsOfOneKeyStoreExactlyOne() throws Exception {
            RatingKey key = RatingKey.of(S1, ALICE, BOB);
            List<InsertResult> results = race(threads(), i -> store.insertIfAbsent(
                    rating(key, 1 + i % 5, RatingState.REVEALED)));

            long inserted = results.stream().filter(r -> r instanceof InsertResult.Inserted).count();
            assertThat(inserted).isEqualTo(1);
            Rating winner = store.find(key).orElseThrow();
            assertThat(results).allSatisfy(r -> assertThat(r.rating()).isEqualTo(winner));
            assertThat(store.aggregate(BOB)).isEqualTo(only(winner.stars()));
            assertThat(store.platformAggregate()).isEqualTo(only(winner.stars()));
        }

        @Test
        @Timeout(30)
        void concurrentCompareAndSetsOfOneVersionApplyExactlyOne() throws Exception {
            RatingKey key = RatingKey.of(S1, ALICE, BOB);
            Rating sealed = rating(key, 4, RatingState.SEALED);
            store.insertIfAbsent(sealed);

            List<Boolean> results = race(threads(),
                    i -> store.compareAndSet(1, sealed.withState(RatingState.REVEALED, T0.plusSeconds(i))));

            assertThat(results.stream().filter(b -> b).count()).isEqualTo(1);
            assertThat(store.aggregate(BOB)).isEqualTo(only(4));
            assertThat(store.find(key).orElseThrow().version()).isEqualTo(2);
        }

        @Test
        @Timeout(60)
        void concurrentWritesAboutManyUsersKeepEveryAggregateExact() throws Exception {
            int users = 8;
            int perThread = 200;
            List<List<RatingKey>> written = race(threads(), t -> {
                Random rnd = new Random(t);
                List<RatingKey> keys = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    UserId ratee = UserId.of("u" + rnd.nextInt(users));
                    RatingKey key = RatingKey.of(SessionId.of("t" + t + "-" + i), UserId.of("r" + t), ratee);
                    Rating r = rating(key, 1 + rnd.nextInt(5), RatingState.SEALED);
                    store.insertIfAbsent(r);
                    keys.add(key);
                    Rating revealed = r.withState(RatingState.REVEALED, T0);
                    store.compareAndSet(1, revealed);
                    if (rnd.nextInt(4) == 0) {
                        store.compareAndSet(2, revealed.withState(RatingState.WITHDRAWN, T0));
                    }
                }
                return keys;
            });
            List<Rating> all = new ArrayList<>();
            for (List<RatingKey> keys : written) {
                for (RatingKey key : keys) {
                    all.add(store.find(key).orElseThrow());
                }
            }
            StarHistogram sum = StarHistogram.EMPTY;
            for (int u = 0; u < users; u++) {
                UserId user = UserId.of("u" + u);
                StarHistogram recount = StarHistogram.recount(
                        all.stream().filter(r -> r.key().ratee().equals(user)).toList());
                assertThat(store.aggregate(user)).as("aggregate of %s", user).isEqualTo(recount);
                sum = sum.plus(recount);
            }
            assertThat(sum.count()).isGreaterThan(0);
            assertThat(store.platformAggregate()).isEqualTo(sum);
        }
    }
}
