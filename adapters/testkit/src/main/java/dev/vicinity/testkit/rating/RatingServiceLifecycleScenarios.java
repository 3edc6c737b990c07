package dev.vicinity.testkit.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingRejection;
import dev.vicinity.rating.RatingRequest;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.ReconcileReport;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingAuditStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scenarios of {@link RatingServiceContract} after a rating exists: edit, withdraw, the count-once
 * window and reconcile. Part of the contract's class chain; bind {@link RatingServiceContract}, not
 * this class.
 */
public abstract class RatingServiceLifecycleScenarios extends RatingServiceSubmitScenarios {
    @Nested
    class Edit {
        @Test
        void aSealedRatingCanBeEditedAndTheEditIsWhatGetsCounted() {
            SessionId s = endedSession(ALICE, BOB);
            RatingKey key = RatingKey.of(s, ALICE, BOB);
            service.submit(RatingRequest.of(s, ALICE, BOB, 1).withComment("meh").withTags(Set.of("late")));

            Rating edited = accepted(service.edit(key, 4, Set.of("kind"), "better than I said")).rating();
            assertThat(edited.stars()).isEqualTo(4);
            assertThat(edited.tags()).containsExactly("kind");
            assertThat(edited.comment()).isEqualTo("better than I said");
            assertThat(edited.version()).isEqualTo(2);
            assertThat(service.aggregate(BOB).count()).isZero();

            service.submit(s, BOB, ALICE, 5);
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(4));
        }

        @Test
        void aRevealedRatingCannotBeEdited() {
            SessionId s = endedSession(ALICE, BOB);
            RatingKey key = RatingKey.of(s, ALICE, BOB);
            service.submit(s, ALICE, BOB, 2);
            service.submit(s, BOB, ALICE, 2);

            assertThat(service.edit(key, 5, Set.of(), null)).isEqualTo(rejected(RatingRejection.ALREADY_REVEALED));
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(2));
        }

        @Test
        void missingOrWithdrawnRatingsCannotBeEdited() {
            SessionId s = endedSession(ALICE, BOB);
            RatingKey key = RatingKey.of(s, ALICE, BOB);
            assertThat(service.edit(key, 5, Set.of(), null)).isEqualTo(rejected(RatingRejection.RATING_NOT_FOUND));

            service.submit(s, ALICE, BOB, 2);
            service.withdraw(key);
            assertThat(service.edit(key, 5, Set.of(), null)).isEqualTo(rejected(RatingRejection.ALREADY_WITHDRAWN));
        }

        @Test
        void malformedEditIsInvalidInput() {
            SessionId s = endedSession(ALICE, BOB);
            RatingKey key = RatingKey.of(s, ALICE, BOB);
            service.submit(s, ALICE, BOB, 2);
            assertThatThrownBy(() -> service.edit(key, 9, Set.of(), null))
                    .hasFieldOrPropertyWithValue("code", "invalid_stars");
            assertThat(service.find(key).orElseThrow().stars()).isEqualTo(2);
        }
    }

    @Nested
    class Withdraw {
        @Test
        void withdrawingARevealedRatingUncountsItExactlyOnce() {
            SessionId s = endedSession(ALICE, BOB);
            RatingKey key = RatingKey.of(s, ALICE, BOB);
            service.submit(s, ALICE, BOB, 5);
            service.submit(s, BOB, ALICE, 4);
            assertThat(service.aggregate(BOB).count()).isEqualTo(1);

            assertThat(accepted(service.withdraw(key)).rating().state()).isEqualTo(RatingState.WITHDRAWN);
            assertThat(service.withdraw(key)).isEqualTo(rejected(RatingRejection.ALREADY_WITHDRAWN));

            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
            assertThat(service.aggregate(ALICE)).isEqualTo(StarHistogram.EMPTY.plus(4));
            assertThat(service.findVisibleTo(key, BOB)).isEmpty();
            assertThat(listener.events("withdrawn")).containsExactly("withdrawn " + s + " alice bob");
        }

        @Test
        void aWithdrawnSealedRatingIsNeverCounted() {
            SessionId s = endedSession(ALICE, BOB);
            RatingKey key = RatingKey.of(s, ALICE, BOB);
            service.submit(s, ALICE, BOB, 1);
            service.withdraw(key);

            Rating answer = accepted(service.submit(s, BOB, ALICE, 5)).rating();
            assertThat(answer.state()).as("alice did rate, so bob's answer is revealed").isEqualTo(RatingState.REVEALED);
            clock.advance(WINDOW);
            service.revealDue();

            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
            assertThat(service.aggregate(ALICE)).isEqualTo(StarHistogram.EMPTY.plus(5));
            assertThat(service.find(key).orElseThrow().state()).isEqualTo(RatingState.WITHDRAWN);
        }

        @Test
        void theKeyStaysTakenAfterWithdrawal() {
            SessionId s = endedSession(ALICE, BOB);
            service.submit(s, ALICE, BOB, 1);
            service.withdraw(RatingKey.of(s, ALICE, BOB));
            assertThat(service.submit(s, ALICE, BOB, 5)).isEqualTo(rejected(RatingRejection.ALREADY_RATED));
        }

        @Test
        void unknownRating() {
            assertThat(service.withdraw(RatingKey.of(SessionId.of("x"), ALICE, BOB)))
                    .isEqualTo(rejected(RatingRejection.RATING_NOT_FOUND));
        }

        @Test
        @Timeout(30)
        void concurrentWithdrawalsAdjustTheAggregateOnce() throws Exception {
            SessionId s = endedSession(ALICE, BOB);
            RatingKey key = RatingKey.of(s, ALICE, BOB);
            service.submit(s, BOB, ALICE, 3);
            service.submit(s, ALICE, BOB, 3);
            service.submit(endedSession(CAROL, BOB), CAROL, BOB, 3);
            clock.advance(WINDOW);
            service.revealDue();
            assertThat(service.aggregate(BOB).count()).isEqualTo(2);

            List<RatingResult> results = race(threads(), i -> service.withdraw(key));

            assertThat(results.stream().filter(RatingResult::accepted).count()).isEqualTo(1);
            assertThat(results).filteredOn(r -> !r.accepted())
                    .allSatisfy(r -> assertThat(r).isEqualTo(rejected(RatingRejection.ALREADY_WITHDRAWN)));
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(3));
            assertThat(listener.events("withdrawn")).hasSize(1);
        }
    }

    /** The anti-farming rule: ratings of one rater about one ratee count once per {@code countOncePer}. */
    @Nested
    class CountOncePerWindow {
        private Rating stored(SessionId s, UserId rater, UserId ratee) {
            return service.find(RatingKey.of(s, rater, ratee)).orElseThrow();
        }

        private void assertNoDrift(UserId... users) {
            RatingAuditStore audit = auditOf(store);
            if (audit == null) {
                return;
            }
            for (UserId u : users) {
                assertThat(service.reconcile(u, false).drifted()).as("drift of %s", u).isFalse();
            }
        }

        @Test
        void byDefaultAPairCountsOncePerSevenDays() {
            assertThat(service.countOncePer()).isEqualTo(Duration.ofDays(7));
            SessionId first = endedSession(ALICE, BOB);
            service.submit(first, ALICE, BOB, 5);
            service.submit(first, BOB, ALICE, 3);
            clock.advance(Duration.ofDays(3));
            endedAt = clock.instant();
            SessionId second = endedSession(ALICE, BOB);
            service.submit(second, ALICE, BOB, 1);
            RatingResult answer = service.submit(second, BOB, ALICE, 4);

            Rating farmed = stored(second, ALICE, BOB);
            assertThat(farmed.state()).isEqualTo(RatingState.REVEALED);
            assertThat(farmed.duplicate()).isTrue();
            assertThat(accepted(answer).rating().duplicate()).as("the answer, inserted revealed").isTrue();
            assertThat(service.findVisibleTo(farmed.key(), BOB)).as("revealed to the ratee").contains(farmed);
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(5));
            assertThat(service.aggregate(ALICE)).isEqualTo(StarHistogram.EMPTY.plus(3));

            clock.advance(Duration.ofDays(4)); // 7 days after the first reveal
            endedAt = clock.instant();
            SessionId third = endedSession(ALICE, BOB);
            service.submit(third, ALICE, BOB, 2);
            service.submit(third, BOB, ALICE, 2);

            assertThat(stored(third, ALICE, BOB).counted()).isTrue();
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.of(0, 1, 0, 0, 1));
            assertThat(service.aggregate(ALICE)).isEqualTo(StarHistogram.of(0, 1, 1, 0, 0));
            assertThat(store.platformAggregate()).isEqualTo(StarHistogram.of(0, 2, 1, 0, 1));
            assertNoDrift(ALICE, BOB);
        }

        @Test
        void otherRatersOfTheSameRateeStillCount() {
            SessionId group = endedSession(ALICE, BOB, CAROL);
            service.submit(group, ALICE, BOB, 5);
            service.submit(group, CAROL, BOB, 4);
            service.submit(group, BOB, ALICE, 3);
            service.submit(group, BOB, CAROL, 3);

            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.of(0, 0, 0, 1, 1));
            assertNoDrift(ALICE, BOB, CAROL);
        }

        @Test
        void revealAtWindowCloseAppliesTheRuleAndTellsHandlersWhichRatingCounts() {
            List<Rating> told = new ArrayList<>();
            service.onRevealed(told::add);
            SessionId first = endedSession(ALICE, BOB);
            SessionId second = endedSession(ALICE, BOB);
            service.submit(first, ALICE, BOB, 5);
            service.submit(second, ALICE, BOB, 1);
            clock.advance(WINDOW);

            assertThat(service.revealDue()).isEqualTo(2);

            assertThat(told).hasSize(2);
            assertThat(told.stream().filter(Rating::counted).count()).isEqualTo(1);
            assertThat(told.stream().filter(Rating::duplicate).count()).isEqualTo(1);
            assertThat(service.aggregate(BOB).count()).isEqualTo(1);
            assertThat(List.of(stored(first, ALICE, BOB), stored(second, ALICE, BOB))).containsExactlyInAnyOrderElementsOf(told);
            assertNoDrift(BOB);
        }

        @Test
        void aZeroWindowCountsEveryRating() {
            service = serviceBuilder().countOncePer(Duration.ZERO).build();
            for (int i = 0; i < 3; i++) {
                SessionId s = endedSession(ALICE, BOB);
                service.submit(s, ALICE, BOB, 5);
                service.submit(s, BOB, ALICE, 4);
            }

            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.of(0, 0, 0, 0, 3));
            assertThat(service.aggregate(ALICE)).isEqualTo(StarHistogram.of(0, 0, 0, 3, 0));
        }

        @Test
        void withdrawingTheCountedRatingStaysExact() {
            SessionId first = endedSession(ALICE, BOB);
            SessionId second = endedSession(ALICE, BOB);
            service.submit(first, ALICE, BOB, 5);
            service.submit(first, BOB, ALICE, 3);
            service.submit(second, ALICE, BOB, 1);
            service.submit(second, BOB, ALICE, 3);

            service.withdraw(RatingKey.of(first, ALICE, BOB));

            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
            assertThat(stored(second, ALICE, BOB).counted()).as("a withdrawal promotes nothing").isFalse();
            assertThat(service.withdraw(RatingKey.of(second, ALICE, BOB))).isInstanceOf(RatingResult.Accepted.class);
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
            assertThat(store.platformAggregate()).isEqualTo(StarHistogram.EMPTY.plus(3));
            assertNoDrift(ALICE, BOB);
        }

        @Test
        @Timeout(120)
        void racingAnswersInTwoSessionsOfOnePairCountOnceEachWay() throws Exception {
            int rounds = 30;
            for (int i = 0; i < rounds; i++) {
                UserId a = UserId.of("farmer-a" + i);
                UserId b = UserId.of("farmer-b" + i);
                SessionId s1 = endedSession(a, b);
                SessionId s2 = endedSession(a, b);
                service.submit(s1, a, b, 5);
                service.submit(s2, a, b, 4);

                // b answers in both sessions at once: each answer reveals a's rating of that session.
                race(2, t -> service.submit(t == 0 ? s1 : s2, b, a, 2));

                List<Rating> aboutB = List.of(stored(s1, a, b), stored(s2, a, b));
                List<Rating> aboutA = List.of(stored(s1, b, a), stored(s2, b, a));
                assertThat(aboutB).allSatisfy(r -> assertThat(r.state()).isEqualTo(RatingState.REVEALED));
                assertThat(aboutA).allSatisfy(r -> assertThat(r.state()).isEqualTo(RatingState.REVEALED));
                assertThat(aboutB.stream().filter(Rating::counted).count()).as("round %s", i).isEqualTo(1);
                assertThat(aboutA.stream().filter(Rating::counted).count()).as("round %s", i).isEqualTo(1);
                assertThat(service.aggregate(b)).isEqualTo(StarHistogram.recount(aboutB));
                assertThat(service.aggregate(a)).isEqualTo(StarHistogram.EMPTY.plus(2));
                assertNoDrift(a, b);
            }
        }
    }

    @Nested
    class Reconcile {
        @SuppressWarnings("NullAway.Init") // set by requireAudit(), which skips the tests when there is none
        private RatingAuditStore audit;

        @BeforeEach
        void requireAudit() {
            RatingAuditStore a = auditOf(store);
            assumeTrue(a != null, "backend has no RatingAuditStore");
            audit = Objects.requireNonNull(a);
        }

        @Test
        void aConsistentAggregateHasNoDrift() {
            SessionId s = endedSession(ALICE, BOB);
            service.submit(s, ALICE, BOB, 5);
            service.submit(s, BOB, ALICE, 2);
            service.submit(endedSession(CAROL, BOB), CAROL, BOB, 1); // sealed: not counted, not drift

            ReconcileReport report = service.reconcile(BOB, true);

            assertThat(report.drifted()).isFalse();
            assertThat(report.repaired()).isFalse();
            assertThat(report.stored()).isEqualTo(StarHistogram.EMPTY.plus(5));
            assertThat(listener.events("drift")).isEmpty();
        }

        @Test
        void driftIsReportedAndRepairedOnRequest() {
            SessionId s = endedSession(ALICE, BOB);
            service.submit(s, ALICE, BOB, 5);
            service.submit(s, BOB, ALICE, 2);
            StarHistogram truth = StarHistogram.EMPTY.plus(5);
            StarHistogram corrupted = StarHistogram.of(0, 0, 1, 0, 2);
            assertThat(audit.replaceAggregate(BOB, truth, corrupted)).isTrue();

            ReconcileReport reportOnly = service.reconcile(BOB, false);
            assertThat(reportOnly.drifted()).isTrue();
            assertThat(reportOnly.repaired()).isFalse();
            assertThat(reportOnly.countDrift()).isEqualTo(2);
            assertThat(reportOnly.sumDrift()).isEqualTo(8);
            assertThat(service.aggregate(BOB)).isEqualTo(corrupted);
            assertThat(listener.events("drift")).containsExactly("drift bob 2 8");

            ReconcileReport repaired = service.reconcile(BOB, true);
            assertThat(repaired.repaired()).isTrue();
            assertThat(service.aggregate(BOB)).isEqualTo(truth);
            assertThat(store.platformAggregate()).isEqualTo(truth.plus(2));
            assertThat(service.reconcile(BOB, true).drifted()).isFalse();
        }
    }
}
