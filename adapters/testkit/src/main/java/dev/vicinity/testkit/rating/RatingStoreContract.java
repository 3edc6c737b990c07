package dev.vicinity.testkit.rating;

import dev.vicinity.rating.memory.InMemoryRatingStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.rating.spi.RatingStore.InsertResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * arbitrary instants passed in, never a server clock.
 */
public abstract class RatingStoreContract {

    /** A fresh, empty store. */
    protected abstract RatingStore createStore();

    /**
     * Capability: the audit primitives used by reconcile. Default: the store itself when it
     * implements {@link RatingAuditStore}, otherwise null and the audit tests are skipped.
     */
    protected RatingAuditStore auditOf(RatingStore store) {
        return store instanceof RatingAuditStore audit ? audit : null;
    }

    /** Threads used by the concurrency tests. */
    protected int threads() {
        return 16;
    }

    protected static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    protected static final UserId ALICE = UserId.of("alice");
    protected static final UserId BOB = UserId.of("bob");
    protected static final UserId CAROL = UserId.of("carol");
    protected static final SessionId S1 = SessionId.of("s1");
    protected static final SessionId S2 = SessionId.of("s2");

    protected RatingStore store;

    @BeforeEach
    void freshStore() {
        store = createStore();
    }

    protected static Rating rating(RatingKey key, int stars, RatingState state) {
        return rating(key, stars, state, T0.plus(Duration.ofDays(7)));
    }

    protected static Rating rating(RatingKey key, int stars, RatingState state, Instant revealAt) {
        return Rating.create(key, stars, Set.of("kind"), "thanks", "idem-1", state, T0, revealAt);
    }

    private static StarHistogram only(int stars) {
        return StarHistogram.EMPTY.plus(stars);
    }

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
        private RatingAuditStore audit;

        @BeforeEach
        void requireAudit() {
            audit = auditOf(store);
            assumeTrue(audit != null, "backend has no RatingAuditStore");
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

    private static <T> List<T> race(int n, Race.IndexedTask<T> task) throws Exception {
        return Race.run(n, task);
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
