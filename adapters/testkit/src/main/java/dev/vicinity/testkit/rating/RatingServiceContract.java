package dev.vicinity.testkit.rating;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.MutableClock;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.PriorMean;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingRequest;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.RatingSummary;
import dev.vicinity.rating.ScoreFormulas;
import dev.vicinity.rating.ScorePolicy;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.spi.RatingStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour of {@link RatingService} on top of a backend's {@link RatingStore}: eligibility, window
 * edges, exactly-one rating under concurrent submits, double-blind reveal, edit, withdraw,
 * idempotency, scores, reconcile and random operation sequences. Every backend binds it next to
 * {@link RatingStoreContract}, so the rules are proven on each store, not only in memory:
 *
 * <pre>
 * class InMemoryRatingServiceTest extends RatingServiceContract {
 *     protected RatingStore createStore() { return new InMemoryRatingStore(); }
 * }
 * </pre>
 *
 * Time is driven with a {@link MutableClock}; nothing sleeps. The scenario groups live along a class chain
 * ({@link RatingServiceFixture} &larr; {@link RatingServiceSubmitScenarios} &larr;
 * {@link RatingServiceLifecycleScenarios} &larr; this class): extending this class binds them all.
 */
public abstract class RatingServiceContract extends RatingServiceLifecycleScenarios {
    @Nested
    class Fuzz {
        @Test
        @Timeout(120)
        @SuppressWarnings("NullAway") // the raced task has no result: it returns null
        void concurrentMixedOperationsLeaveEveryAggregateEqualToItsRecount() throws Exception {
            int users = 6;
            int sessionCount = 30;
            UserId[] people = new UserId[users];
            for (int u = 0; u < users; u++) {
                people[u] = UserId.of("p" + u);
            }
            SessionId[] ss = new SessionId[sessionCount];
            for (int i = 0; i < sessionCount; i++) {
                ss[i] = endedSession(people);
            }
            race(Math.max(4, threads() / 2), t -> {
                Random rnd = new Random(1000 + t);
                for (int op = 0; op < 400; op++) {
                    RatingKey key = RatingKey.of(ss[rnd.nextInt(sessionCount)], people[rnd.nextInt(users)],
                            people[rnd.nextInt(users)]);
                    int kind = rnd.nextInt(10);
                    if (kind < 6) {
                        service.submit(new RatingRequest(key, 1 + rnd.nextInt(5), Set.of(), null,
                                rnd.nextBoolean() ? "k" + t : null));
                    } else if (kind < 7) {
                        service.edit(key, 1 + rnd.nextInt(5), Set.of(), null);
                    } else if (kind < 8) {
                        service.withdraw(key);
                    } else if (kind < 9) {
                        service.revealDue();
                    } else if (t == 0) {
                        clock.advance(Duration.ofHours(4));
                    }
                }
                return null;
            });
            clock.advance(WINDOW);
            service.revealDue();

            List<Rating> all = new ArrayList<>();
            for (SessionId s : ss) {
                for (UserId a : people) {
                    for (UserId b : people) {
                        service.find(RatingKey.of(s, a, b)).ifPresent(all::add);
                    }
                }
            }
            assertThat(all).isNotEmpty();
            assertThat(all).noneMatch(r -> r.state() == RatingState.SEALED);
            StarHistogram sum = StarHistogram.EMPTY;
            for (UserId u : people) {
                StarHistogram recount = StarHistogram.recount(all.stream().filter(r -> r.key().ratee().equals(u)).toList());
                assertThat(service.aggregate(u)).as("aggregate of %s", u).isEqualTo(recount);
                sum = sum.plus(recount);
            }
            assertThat(store.platformAggregate()).isEqualTo(sum);
        }
    }

    @Nested
    class Scores {
        /** These tests rate one pair in several sessions and count each: the count-once rule is off. */
        @BeforeEach
        void everyRatingCounts() {
            service = serviceBuilder().countOncePer(Duration.ZERO).build();
        }

        @Test
        void nothingIsShownBelowTheMinimumCount() {
            rateBob(5, 5);

            RatingSummary summary = service.summary(BOB);

            assertThat(summary.count()).isEqualTo(2);
            assertThat(summary.shown()).isFalse();
            assertThat(summary.histogram()).isEmpty();
            assertThat(summary.mean()).isEmpty();
            assertThat(summary.bayesianMean()).isEmpty();
            assertThat(summary.lowerBound()).isEmpty();
            assertThat(service.scores().scoreOf(BOB)).isEmpty();
            assertThat(service.scores().orElse(-1).applyAsDouble(BOB)).isEqualTo(-1);
        }

        @Test
        void fromTheMinimumCountEveryScoreIsShown() {
            service = serviceBuilder().countOncePer(Duration.ZERO)
                    .scorePolicy(new ScorePolicy(5, 3, 1.65, PriorMean.fixed(3.5)))
                    .build();
            rateBob(5, 4, 3);

            RatingSummary summary = service.summary(BOB);

            StarHistogram h = StarHistogram.of(0, 0, 1, 1, 1);
            assertThat(summary.shown()).isTrue();
            assertThat(summary.histogram()).contains(h);
            assertThat(summary.mean().getAsDouble()).isEqualTo(4.0);
            // (m·C + Σ)/(m + n) = (5·3.5 + 12)/(5 + 3)
            assertThat(summary.bayesianMean().getAsDouble()).isCloseTo(29.5 / 8, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(summary.lowerBound().getAsDouble()).isEqualTo(ScoreFormulas.starLowerBound(h, 1.65));
            assertThat(service.scores().scoreOf(BOB).getAsDouble()).isEqualTo(ScoreFormulas.starLowerBound(h, 1.65));
        }

        @Test
        void thePriorMeanComesFromThePlatformOnceItHasEnoughRatings() {
            service = serviceBuilder().countOncePer(Duration.ZERO)
                    .scorePolicy(new ScorePolicy(2, 1, 1.65, PriorMean.fromPlatform(3.0, 8))).build();
            rateBob(5, 5, 2); // bob answers each with 3: the platform holds 5,5,2,3,3,3
            assertThat(service.summary(BOB).priorMean()).as("6 platform ratings < 8: fallback").isEqualTo(3.0);

            SessionId s = endedSession(CAROL, ALICE);
            service.submit(s, CAROL, ALICE, 4);
            service.submit(s, ALICE, CAROL, 4);

            // platform: 5,5,2,3,3,3,4,4 -> sum 29 over 8; bob: n = 3, sum = 12
            double c = 29.0 / 8;
            assertThat(service.summary(BOB).priorMean()).isEqualTo(c);
            assertThat(service.summary(BOB).bayesianMean().getAsDouble())
                    .isCloseTo((2 * c + 12) / (2 + 3), org.assertj.core.data.Offset.offset(1e-12));
        }

        @Test
        void moreGoodRatingsRankHigherThanFewPerfectOnes() {
            service = serviceBuilder().countOncePer(Duration.ZERO)
                    .scorePolicy(new ScorePolicy(5, 1, 1.65, PriorMean.fixed(3))).build();
            rateBob(5);
            for (int i = 0; i < 20; i++) {
                SessionId s = endedSession(ALICE, CAROL);
                service.submit(s, ALICE, CAROL, i % 4 == 0 ? 4 : 5);
                service.submit(s, CAROL, ALICE, 3);
            }
            assertThat(service.scores().scoreOf(CAROL).getAsDouble())
                    .isGreaterThan(service.scores().scoreOf(BOB).getAsDouble());
        }

        /** Revealed ratings about bob, one session each, from alice (bob answers each). */
        private void rateBob(int... stars) {
            for (int st : stars) {
                SessionId s = endedSession(ALICE, BOB);
                service.submit(s, ALICE, BOB, st);
                service.submit(s, BOB, ALICE, 3);
            }
            assertThat(service.aggregate(BOB).count()).isEqualTo(stars.length);
        }
    }

    @Nested
    class RandomSequences {
        @Test
        void aggregatesEqualARecountAfterEveryStepOfRandomOperations() {
            for (long seed = 1; seed <= randomSequenceSeeds(); seed++) {
                RatingScenario scenario = new RatingScenario(createStore());
                Random rnd = new Random(seed);
                for (int step = 0; step < 120; step++) {
                    scenario.apply(RatingScenario.randomOp(rnd));
                }
            }
        }
    }
}
