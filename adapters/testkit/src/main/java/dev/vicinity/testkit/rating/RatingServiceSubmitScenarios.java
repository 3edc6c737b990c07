package dev.vicinity.testkit.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.rating.InvalidRatingException;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingRejection;
import dev.vicinity.rating.RatingRequest;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.RatingSummary;
import dev.vicinity.rating.StarHistogram;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The submit scenarios of {@link RatingServiceContract}: eligibility, window edges, double-blind
 * reveal, idempotency and concurrent submits. Part of the contract's class chain (fixture, submit,
 * lifecycle, contract) so that a backend binds every group by extending {@link RatingServiceContract}
 * alone; do not bind this class directly.
 */
public abstract class RatingServiceSubmitScenarios extends RatingServiceFixture {
    @Nested
    class Eligibility {
        @Test
        void aParticipantOfAnEndedSessionMayRateAnotherInsideTheWindow() {
            SessionId s = endedSession(ALICE, BOB);
            clock.advance(Duration.ofHours(1));

            Rating r = accepted(service.submit(s, ALICE, BOB, 4)).rating();

            assertThat(r.key()).isEqualTo(RatingKey.of(s, ALICE, BOB));
            assertThat(r.stars()).isEqualTo(4);
            assertThat(r.state()).isEqualTo(RatingState.SEALED);
            assertThat(r.submittedAt()).isEqualTo(clock.instant());
            assertThat(r.revealAt()).isEqualTo(endedAt.plus(WINDOW));
            assertThat(service.find(r.key())).contains(r);
            assertThat(listener.events()).containsExactly("submitted " + s + " alice bob");
        }

        @Test
        void unknownSession() {
            SessionId unknown = SessionId.of("nope");
            assertThat(service.submit(unknown, ALICE, BOB, 4)).isEqualTo(rejected(RatingRejection.SESSION_NOT_FOUND));
            assertThat(RatingRejection.SESSION_NOT_FOUND.code()).isEqualTo("session_not_found");
            assertThat(listener.events()).containsExactly("rejected nope alice session_not_found");
        }

        @Test
        void selfRating() {
            SessionId s = endedSession(ALICE, BOB);
            assertThat(service.submit(s, ALICE, ALICE, 5)).isEqualTo(rejected(RatingRejection.SELF_RATING));
            assertThat(service.find(RatingKey.of(s, ALICE, ALICE))).isEmpty();
        }

        @Test
        void raterOrRateeNotAParticipant() {
            SessionId s = endedSession(ALICE, BOB);
            assertThat(service.submit(s, MALLORY, BOB, 1)).isEqualTo(rejected(RatingRejection.NOT_PARTICIPANT));
            assertThat(service.submit(s, ALICE, MALLORY, 1)).isEqualTo(rejected(RatingRejection.NOT_PARTICIPANT));
            assertThat(RatingRejection.NOT_PARTICIPANT.code()).isEqualTo("not_participant");
            assertThat(service.find(RatingKey.of(s, MALLORY, BOB))).isEmpty();
            assertThat(service.find(RatingKey.of(s, ALICE, MALLORY))).isEmpty();
            assertThat(listener.events("rejected")).hasSize(2);
        }

        @Test
        void sessionNotEnded() {
            SessionId ongoing = sessions.ongoing(SessionId.of("live"), ALICE, BOB);
            assertThat(service.submit(ongoing, ALICE, BOB, 3)).isEqualTo(rejected(RatingRejection.SESSION_NOT_ENDED));
            assertThat(RatingRejection.SESSION_NOT_ENDED.code()).isEqualTo("session_not_ended");
            assertThat(service.find(RatingKey.of(ongoing, ALICE, BOB))).isEmpty();
        }

        @Test
        void windowClosed() {
            SessionId s = endedSession(ALICE, BOB);
            clock.advance(WINDOW.plusHours(1));
            assertThat(service.submit(s, ALICE, BOB, 3)).isEqualTo(rejected(RatingRejection.WINDOW_CLOSED));
            assertThat(RatingRejection.WINDOW_CLOSED.code()).isEqualTo("window_closed");
            assertThat(service.find(RatingKey.of(s, ALICE, BOB))).isEmpty();
        }

        @Test
        void secondRatingOfTheSamePairIsAlreadyRated() {
            SessionId s = endedSession(ALICE, BOB);
            Rating first = accepted(service.submit(s, ALICE, BOB, 4)).rating();

            assertThat(service.submit(s, ALICE, BOB, 1)).isEqualTo(rejected(RatingRejection.ALREADY_RATED));
            assertThat(RatingRejection.ALREADY_RATED.code()).isEqualTo("already_rated");
            assertThat(service.find(first.key())).contains(first);
        }

        @Test
        void starsOutOfRangeAreInvalidInputAndWriteNothing() {
            SessionId s = endedSession(ALICE, BOB);
            for (int stars : new int[] {0, 6, -1, Integer.MAX_VALUE}) {
                assertThatThrownBy(() -> service.submit(s, ALICE, BOB, stars))
                        .isInstanceOf(InvalidRatingException.class)
                        .hasFieldOrPropertyWithValue("code", "invalid_stars");
            }
            assertThat(service.find(RatingKey.of(s, ALICE, BOB))).isEmpty();
            assertThat(listener.events()).containsOnly("rejected " + s + " alice invalid_stars");
        }

        @Test
        void commentLengthIsLimitedInCodePoints() {
            service = serviceBuilder().maxCommentLength(5).build();
            SessionId s = endedSession(ALICE, BOB, CAROL);
            RatingRequest tooLong = RatingRequest.of(s, ALICE, BOB, 4).withComment("abcdef");
            assertThatThrownBy(() -> service.submit(tooLong))
                    .isInstanceOf(InvalidRatingException.class)
                    .hasFieldOrPropertyWithValue("code", "comment_too_long");
            assertThat(service.find(tooLong.key())).isEmpty();

            // five code points, ten UTF-16 chars
            String emoji = "\uD83D\uDE00".repeat(5);
            Rating r = accepted(service.submit(RatingRequest.of(s, ALICE, CAROL, 4).withComment(emoji))).rating();
            assertThat(r.comment()).isEqualTo(emoji);
        }

        @Test
        void tagsAreLimitedInNumberAndSyntax() {
            service = serviceBuilder().maxTags(2).build();
            SessionId s = endedSession(ALICE, BOB);
            assertThatThrownBy(() -> service.submit(RatingRequest.of(s, ALICE, BOB, 4).withTags(Set.of("a", "b", "c"))))
                    .hasFieldOrPropertyWithValue("code", "too_many_tags");
            assertThatThrownBy(() -> service.submit(RatingRequest.of(s, ALICE, BOB, 4).withTags(Set.of("Bad Tag"))))
                    .hasFieldOrPropertyWithValue("code", "invalid_tag");
            assertThatThrownBy(() -> service.submit(RatingRequest.of(s, ALICE, BOB, 4).withTags(Set.of("x".repeat(33)))))
                    .hasFieldOrPropertyWithValue("code", "invalid_tag");
            assertThat(service.find(RatingKey.of(s, ALICE, BOB))).isEmpty();

            Rating r = accepted(service.submit(RatingRequest.of(s, ALICE, BOB, 4).withTags(Set.of("kind", "on-time"))))
                    .rating();
            assertThat(r.tags()).containsExactly("kind", "on-time");
        }

        @Test
        void malformedIdempotencyKeyIsInvalidInput() {
            SessionId s = endedSession(ALICE, BOB);
            assertThatThrownBy(() -> service.submit(RatingRequest.of(s, ALICE, BOB, 4).withIdempotencyKey("has space")))
                    .hasFieldOrPropertyWithValue("code", "invalid_idempotency_key");
            assertThat(service.find(RatingKey.of(s, ALICE, BOB))).isEmpty();
        }

        @Test
        void aThrowingListenerNeverBreaksASubmit() {
            service = RatingService.builder(store, sessions).clock(clock).listener(new VicinityListener() {
                @Override
                public void onRatingSubmitted(SessionId session, UserId rater, UserId ratee) {
                    throw new IllegalStateException("listener bug");
                }
            }).build();
            SessionId s = endedSession(ALICE, BOB);

            assertThat(service.submit(s, ALICE, BOB, 5).accepted()).isTrue();
            assertThat(service.find(RatingKey.of(s, ALICE, BOB))).isPresent();
        }
    }

    @Nested
    class WindowEdges {
        @Test
        void submitIsAllowedFromTheEndInstantToJustBeforeTheWindowCloses() {
            SessionId s1 = sessions.ended(SessionId.of("edge-1"), endedAt.plusNanos(1), ALICE, BOB);
            assertThat(service.submit(s1, ALICE, BOB, 3)).as("one nanosecond before the end")
                    .isEqualTo(rejected(RatingRejection.SESSION_NOT_ENDED));

            SessionId s2 = endedSession(ALICE, BOB);
            assertThat(service.submit(s2, ALICE, BOB, 3).accepted()).as("exactly at the end").isTrue();

            SessionId s3 = endedSession(ALICE, BOB);
            clock.set(endedAt.plus(WINDOW).minusNanos(1));
            assertThat(service.submit(s3, ALICE, BOB, 3).accepted()).as("last nanosecond of the window").isTrue();

            clock.set(endedAt.plus(WINDOW));
            assertThat(service.submit(s3, BOB, ALICE, 3)).as("exactly when the window closes")
                    .isEqualTo(rejected(RatingRejection.WINDOW_CLOSED));
        }

        @Test
        void customWindowIsHonoured() {
            service = serviceBuilder().ratingWindow(Duration.ofMinutes(30)).build();
            SessionId s = endedSession(ALICE, BOB);
            clock.set(endedAt.plus(Duration.ofMinutes(30)).minusNanos(1));
            assertThat(service.submit(s, ALICE, BOB, 3).accepted()).isTrue();
            clock.set(endedAt.plus(Duration.ofMinutes(30)));
            assertThat(service.submit(s, BOB, ALICE, 3)).isEqualTo(rejected(RatingRejection.WINDOW_CLOSED));
        }

        @Test
        void revealDueRevealsExactlyWhenTheWindowCloses() {
            SessionId s = endedSession(ALICE, BOB);
            service.submit(s, ALICE, BOB, 2);

            clock.set(endedAt.plus(WINDOW).minusNanos(1));
            assertThat(service.revealDue()).isZero();
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);

            clock.set(endedAt.plus(WINDOW));
            assertThat(service.revealDue()).isEqualTo(1);
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(2));
        }

        @Test
        void editIsAllowedUntilJustBeforeTheWindowCloses() {
            SessionId s = endedSession(ALICE, BOB);
            RatingKey key = RatingKey.of(s, ALICE, BOB);
            service.submit(s, ALICE, BOB, 2);

            clock.set(endedAt.plus(WINDOW).minusNanos(1));
            assertThat(service.edit(key, 3, Set.of(), null).accepted()).isTrue();

            clock.set(endedAt.plus(WINDOW));
            assertThat(service.edit(key, 4, Set.of(), null)).isEqualTo(rejected(RatingRejection.WINDOW_CLOSED));
            assertThat(service.find(key).orElseThrow().stars()).isEqualTo(3);
        }
    }

    @Nested
    class DoubleBlind {
        @Test
        void aRatingStaysSealedAndUncountedUntilTheOtherParticipantRates() {
            SessionId s = endedSession(ALICE, BOB);
            RatingKey aliceRatesBob = RatingKey.of(s, ALICE, BOB);
            StarHistogram bobBefore = service.aggregate(BOB);
            RatingSummary summaryBefore = service.summary(BOB);

            service.submit(s, ALICE, BOB, 5);

            assertThat(service.aggregate(BOB)).isEqualTo(bobBefore);
            assertThat(service.summary(BOB)).isEqualTo(summaryBefore);
            assertThat(service.findVisibleTo(aliceRatesBob, BOB)).as("ratee cannot see a sealed rating").isEmpty();
            assertThat(service.findVisibleTo(aliceRatesBob, ALICE)).isPresent();
            assertThat(service.findVisibleTo(aliceRatesBob, CAROL)).isEmpty();
            assertThat(listener.events("revealed")).isEmpty();

            clock.advance(Duration.ofDays(1));
            Rating bobsRating = accepted(service.submit(s, BOB, ALICE, 3)).rating();

            assertThat(bobsRating.state()).isEqualTo(RatingState.REVEALED);
            assertThat(service.find(aliceRatesBob).orElseThrow().state()).isEqualTo(RatingState.REVEALED);
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(5));
            assertThat(service.aggregate(ALICE)).isEqualTo(StarHistogram.EMPTY.plus(3));
            assertThat(service.findVisibleTo(aliceRatesBob, BOB)).isPresent();
            assertThat(listener.events("revealed")).containsExactly("revealed " + s + " 2");
        }

        @Test
        void withoutAnAnswerTheRatingIsRevealedOnlyWhenTheWindowCloses() {
            SessionId s = endedSession(ALICE, BOB);
            service.submit(s, ALICE, BOB, 1);

            clock.advance(WINDOW.minusSeconds(1));
            assertThat(service.revealDue()).isZero();
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);

            clock.advance(Duration.ofSeconds(1));
            assertThat(service.revealDue()).isEqualTo(1);
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(1));
            assertThat(listener.events("revealed")).containsExactly("revealed " + s + " 1");
        }

        @Test
        void revealIsIdempotent() {
            SessionId s = endedSession(ALICE, BOB);
            service.submit(s, ALICE, BOB, 4);
            clock.advance(WINDOW);

            assertThat(service.revealDue()).isEqualTo(1);
            assertThat(service.revealDue()).isZero();
            clock.advance(Duration.ofDays(30));
            assertThat(service.revealDue()).isZero();

            assertThat(service.aggregate(BOB).count()).isEqualTo(1);
            assertThat(store.platformAggregate().count()).isEqualTo(1);
        }

        @Test
        void inAGroupSessionEachPairIsBlindOnItsOwn() {
            SessionId s = endedSession(ALICE, BOB, CAROL);
            service.submit(s, ALICE, BOB, 5);
            service.submit(s, CAROL, ALICE, 2);

            assertThat(service.aggregate(BOB).count()).isZero();
            assertThat(service.aggregate(ALICE).count()).isZero();

            service.submit(s, ALICE, CAROL, 4);
            assertThat(service.aggregate(ALICE)).isEqualTo(StarHistogram.EMPTY.plus(2));
            assertThat(service.aggregate(CAROL)).isEqualTo(StarHistogram.EMPTY.plus(4));
            assertThat(service.aggregate(BOB).count()).as("bob has not rated alice").isZero();
        }

        @Test
        void revealDueWorksThroughBacklogsLargerThanOneBatch() {
            // One pair in 7 sessions: every rating counts only with the count-once rule off.
            service = serviceBuilder().revealBatchSize(2).countOncePer(Duration.ZERO).build();
            int sessionsCount = 7;
            for (int i = 0; i < sessionsCount; i++) {
                service.submit(endedSession(ALICE, BOB), ALICE, BOB, 3);
            }
            clock.advance(WINDOW);

            assertThat(service.revealDue()).isEqualTo(sessionsCount);
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.of(0, 0, sessionsCount, 0, 0));
        }

        @Test
        @Timeout(60)
        void simultaneousMutualRatingsAreRevealedAndCountedExactlyOnce() throws Exception {
            service = serviceBuilder().countOncePer(Duration.ZERO).build(); // one pair, 100 sessions, all counted
            int rounds = 100;
            for (int i = 0; i < rounds; i++) {
                SessionId s = endedSession(ALICE, BOB);
                race(2, t -> t == 0 ? service.submit(s, ALICE, BOB, 4) : service.submit(s, BOB, ALICE, 2));
                assertThat(service.find(RatingKey.of(s, ALICE, BOB)).orElseThrow().state()).isEqualTo(RatingState.REVEALED);
                assertThat(service.find(RatingKey.of(s, BOB, ALICE)).orElseThrow().state()).isEqualTo(RatingState.REVEALED);
            }
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.of(0, 0, 0, rounds, 0));
            assertThat(service.aggregate(ALICE)).isEqualTo(StarHistogram.of(0, rounds, 0, 0, 0));
            assertThat(listener.events("revealed").stream()
                    .mapToInt(e -> Integer.parseInt(e.substring(e.lastIndexOf(' ') + 1))).sum())
                    .isEqualTo(2 * rounds);
        }
    }

    @Nested
    class Idempotency {
        @Test
        void aRetryWithTheSameKeyReturnsTheSameRating() {
            SessionId s = endedSession(ALICE, BOB);
            RatingRequest request = RatingRequest.of(s, ALICE, BOB, 4).withIdempotencyKey("tap-1").withComment("hi");
            Rating first = accepted(service.submit(request)).rating();

            RatingResult.Accepted retry = accepted(service.submit(request));

            assertThat(retry.replayed()).isTrue();
            assertThat(retry.rating()).isEqualTo(first);
            assertThat(listener.events("submitted")).hasSize(1);
        }

        @Test
        void aRetryAfterTheWindowClosedStillReplays() {
            SessionId s = endedSession(ALICE, BOB);
            RatingRequest request = RatingRequest.of(s, ALICE, BOB, 4).withIdempotencyKey("tap-1");
            service.submit(request);
            clock.advance(WINDOW.plusDays(1));

            assertThat(accepted(service.submit(request)).replayed()).isTrue();
        }

        @Test
        void sameKeyWithOtherContentIsRefused() {
            SessionId s = endedSession(ALICE, BOB);
            service.submit(RatingRequest.of(s, ALICE, BOB, 4).withIdempotencyKey("tap-1"));

            assertThat(service.submit(RatingRequest.of(s, ALICE, BOB, 2).withIdempotencyKey("tap-1")))
                    .isEqualTo(rejected(RatingRejection.IDEMPOTENCY_KEY_REUSED));
            assertThat(service.find(RatingKey.of(s, ALICE, BOB)).orElseThrow().stars()).isEqualTo(4);
        }

        @Test
        void otherOrNoKeyIsAlreadyRated() {
            SessionId s = endedSession(ALICE, BOB);
            service.submit(RatingRequest.of(s, ALICE, BOB, 4).withIdempotencyKey("tap-1"));

            assertThat(service.submit(RatingRequest.of(s, ALICE, BOB, 4).withIdempotencyKey("tap-2")))
                    .isEqualTo(rejected(RatingRejection.ALREADY_RATED));
            assertThat(service.submit(RatingRequest.of(s, ALICE, BOB, 4)))
                    .isEqualTo(rejected(RatingRejection.ALREADY_RATED));
        }

        @Test
        @Timeout(30)
        void concurrentRetriesWithOneKeyStoreOneRatingAndAllSucceed() throws Exception {
            SessionId s = endedSession(ALICE, BOB);
            RatingRequest request = RatingRequest.of(s, ALICE, BOB, 5).withIdempotencyKey("tap-7");

            List<RatingResult> results = race(threads(), i -> service.submit(request));

            assertThat(results).allSatisfy(r -> assertThat(r.accepted()).isTrue());
            assertThat(results.stream().filter(r -> !((RatingResult.Accepted) r).replayed()).count()).isEqualTo(1);
            assertThat(listener.events("submitted")).hasSize(1);
        }
    }

    @Nested
    class ConcurrentSubmits {
        @Test
        @Timeout(30)
        void sixteenThreadsSubmittingTheSamePairStoreExactlyOneAndCountItOnce() throws Exception {
            SessionId s = endedSession(ALICE, BOB);
            service.submit(s, BOB, ALICE, 4); // bob answered already, so alice's rating is revealed at once
            long bobBefore = service.aggregate(BOB).count();
            long platformBefore = store.platformAggregate().count();
            listener.clear();

            List<RatingResult> results = race(threads(), i -> service.submit(s, ALICE, BOB, 1 + i % 5));

            List<RatingResult> winners = results.stream().filter(RatingResult::accepted).toList();
            assertThat(winners).hasSize(1);
            assertThat(results).filteredOn(r -> !r.accepted()).hasSize(threads() - 1)
                    .allSatisfy(r -> assertThat(r).isEqualTo(rejected(RatingRejection.ALREADY_RATED)));
            Rating stored = service.find(RatingKey.of(s, ALICE, BOB)).orElseThrow();
            assertThat(((RatingResult.Accepted) winners.get(0)).rating().stars()).isEqualTo(stored.stars());
            assertThat(service.aggregate(BOB).count()).isEqualTo(bobBefore + 1);
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(stored.stars()));
            assertThat(service.aggregate(ALICE)).as("bob's rating revealed once").isEqualTo(StarHistogram.EMPTY.plus(4));
            assertThat(store.platformAggregate().count()).isEqualTo(platformBefore + 2);
            assertThat(listener.events("submitted")).hasSize(1);
            assertThat(listener.events("rejected")).hasSize(threads() - 1);
        }

        @Test
        @Timeout(30)
        void sixteenThreadsSubmittingASealedPairStoreOneWhichCountsOnceAtWindowClose() throws Exception {
            SessionId s = endedSession(ALICE, BOB);

            List<RatingResult> results = race(threads(), i -> service.submit(s, ALICE, BOB, 3));

            assertThat(results.stream().filter(RatingResult::accepted).count()).isEqualTo(1);
            assertThat(service.aggregate(BOB).count()).isZero();
            clock.advance(WINDOW);
            service.revealDue();
            assertThat(service.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(3));
        }
    }
}
