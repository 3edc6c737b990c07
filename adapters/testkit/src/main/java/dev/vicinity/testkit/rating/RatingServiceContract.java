package dev.vicinity.testkit.rating;

import dev.vicinity.rating.memory.InMemoryRatingStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.rating.InvalidRatingException;
import dev.vicinity.rating.PriorMean;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingRejection;
import dev.vicinity.rating.RatingRequest;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.RatingSummary;
import dev.vicinity.rating.ReconcileReport;
import dev.vicinity.rating.ScoreFormulas;
import dev.vicinity.rating.ScorePolicy;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.core.MutableClock;
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
 * Time is driven with a {@link MutableClock}; nothing sleeps.
 */
public abstract class RatingServiceContract {

    /** A fresh, empty store. */
    /**
     * How many seeded random operation sequences (120 steps each) the random-sequence test runs;
     * default 25. Backends with a network round trip per step may lower it to keep the build fast.
     */
    protected int randomSequenceSeeds() {
        return 25;
    }

    protected abstract RatingStore createStore();

    /** Audit capability, as in {@link RatingStoreContract#auditOf}. */
    protected RatingAuditStore auditOf(RatingStore store) {
        return store instanceof RatingAuditStore audit ? audit : null;
    }

    /** Threads of the concurrency tests. */
    protected int threads() {
        return 16;
    }

    protected static final UserId ALICE = UserId.of("alice");
    protected static final UserId BOB = UserId.of("bob");
    protected static final UserId CAROL = UserId.of("carol");
    protected static final UserId MALLORY = UserId.of("mallory");
    protected static final Duration WINDOW = RatingService.DEFAULT_RATING_WINDOW;

    protected RatingStore store;
    protected MutableClock clock;
    protected TestSessions sessions;
    protected RecordingListener listener;
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
        return sessions.ended(SessionId.of("sess-" + (++sessionCounter)), endedAt, participants);
    }

    private static RatingResult.Accepted accepted(RatingResult result) {
        assertThat(result).isInstanceOf(RatingResult.Accepted.class);
        return (RatingResult.Accepted) result;
    }

    private static RatingResult rejected(RatingRejection reason) {
        return new RatingResult.Rejected(reason);
    }

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

    @Nested
    class Fuzz {
        @Test
        @Timeout(120)
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
        private RatingAuditStore audit;

        @BeforeEach
        void requireAudit() {
            audit = auditOf(store);
            assumeTrue(audit != null, "backend has no RatingAuditStore");
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

    private static <T> List<T> race(int n, Race.IndexedTask<T> task) throws Exception {
        return Race.run(n, task);
    }
}
