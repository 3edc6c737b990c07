package dev.vicinity.rating.spi;

import dev.vicinity.core.UserId;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Storage primitives for ratings and their running aggregates. The rules (eligibility, double-blind
 * reveal, edits, withdrawal, scores) live once in {@link dev.vicinity.rating.RatingService}; a store
 * only keeps rows and counters and makes each write atomic.
 *
 * <h2>The one aggregate rule</h2>
 * A rating contributes one count to the bucket of its stars in the histogram of its ratee, and in the
 * platform histogram, exactly while its state is {@link RatingState#REVEALED}. Every write applies
 * {@code contribution(new) − contribution(old)} to both histograms <em>in the same atomic step</em> as
 * the row write (one transaction in SQL, one Lua script in Redis, one lock per ratee in memory). So the
 * stored aggregate always equals {@link StarHistogram#recount} of the stored ratings, and a transition
 * that is applied once is counted once.
 *
 * <h2>Count once per window</h2>
 * {@link #insertIfAbsent(Rating, Duration)} and {@link #compareAndSet(long, Rating, Duration)} also apply
 * the count-once rule, in the same atomic step: when a rating <em>becomes revealed</em> (inserted
 * revealed, or compare-and-set from another state to revealed) at {@code t = updated.updatedAt()}, the
 * store reads the reveal time {@code L} of the last <em>counted</em> rating of the same (rater, ratee)
 * pair. If {@code window > 0} and {@code L} exists and {@code t < L + window}, the rating is stored with
 * {@link Rating#duplicate()} set (revealed, not counted); otherwise it is stored counted and {@code L}
 * becomes {@code max(L, t)}. The caller's {@code duplicate} flag is ignored: a rating that stays revealed keeps
 * its stored flag, any other rating keeps the stored one (false on insert). {@code L} is never moved
 * back (a withdrawal does not reset it). Concurrent reveals of one pair are serialized by the pair's
 * record, so of two reveals inside one window exactly one counts.
 *
 * <h2>Atomic primitives</h2>
 * <ul>
 *   <li>{@link #insertIfAbsent}: at most one rating per {@link RatingKey}, ever (a unique constraint in
 *       SQL, {@code HSETNX}-style in Redis); two concurrent inserts of a key: exactly one wins.</li>
 *   <li>{@link #compareAndSet}: replaces a rating only if its stored version is still the expected one;
 *       of several concurrent writers with the same expected version exactly one wins.</li>
 * </ul>
 *
 * <p>Times are passed in by the caller; a store never reads a clock. Implementations are thread-safe
 * and shared by every node of a deployment. A failure to reach the backend is a
 * {@link dev.vicinity.core.BackendUnavailableException} and leaves nothing half-written.
 */
public interface RatingStore {

    /**
     * Stores {@code rating} (version 1, state sealed or revealed) unless a rating with its key
     * exists, adjusting the ratee's and the platform's histograms if it is revealed — all in one
     * atomic step.
     *
     * @return {@link InsertResult.Inserted} or, when the key exists, {@link InsertResult.Conflict} with
     *     the stored rating (nothing written)
     * @throws IllegalArgumentException if the rating's version is not 1
     */
    InsertResult insertIfAbsent(Rating rating);

    /** The stored rating with {@code key}, in any state. */
    Optional<Rating> find(RatingKey key);

    /**
     * Replaces the stored rating with {@code updated.key()} by {@code updated} if the stored version is
     * {@code expectedVersion}, applying the aggregate rule to both histograms in the same atomic step.
     *
     * @return true if replaced; false (nothing written) if the rating is missing or its version differs
     * @throws IllegalArgumentException if {@code updated.version() != expectedVersion + 1}
     */
    boolean compareAndSet(long expectedVersion, Rating updated);

    /**
     * {@link #insertIfAbsent(Rating)} applying the count-once rule (see the class comment) with
     * {@code countOncePer}. {@link Duration#ZERO} counts every revealed rating (but still records the
     * pair's last counted reveal). The stored rating, with its {@code duplicate} flag, is in the result.
     *
     * <p>The default supports only {@link Duration#ZERO}; every store of this project overrides it.
     *
     * @throws IllegalArgumentException if {@code countOncePer} is negative
     * @throws UnsupportedOperationException if the store does not implement the rule and the window is not zero
     */
    default InsertResult insertIfAbsent(Rating rating, Duration countOncePer) {
        if (checkWindow(countOncePer).isZero()) {
            return insertIfAbsent(rating);
        }
        throw new UnsupportedOperationException(getClass().getName() + " does not count once per window");
    }

    /**
     * {@link #compareAndSet(long, Rating)} applying the count-once rule (see the class comment) with
     * {@code countOncePer}; {@link Duration#ZERO} counts every revealed rating. Read the rating back
     * ({@link #find}) to learn whether a reveal was counted.
     *
     * <p>The default supports only {@link Duration#ZERO}; every store of this project overrides it.
     *
     * @throws IllegalArgumentException if {@code countOncePer} is negative or the version is not +1
     * @throws UnsupportedOperationException if the store does not implement the rule and the window is not zero
     */
    default boolean compareAndSet(long expectedVersion, Rating updated, Duration countOncePer) {
        if (checkWindow(countOncePer).isZero()) {
            return compareAndSet(expectedVersion, updated);
        }
        throw new UnsupportedOperationException(getClass().getName() + " does not count once per window");
    }

    /**
     * Checks a count-once window for the two methods above.
     *
     * @return {@code window}
     * @throws IllegalArgumentException if it is negative
     */
    static Duration checkWindow(Duration window) {
        Objects.requireNonNull(window, "countOncePer");
        if (window.isNegative()) {
            throw new IllegalArgumentException("countOncePer must not be negative, got " + window);
        }
        return window;
    }

    /** The histogram of revealed ratings about {@code ratee}; {@link StarHistogram#EMPTY} if none. O(1). */
    StarHistogram aggregate(UserId ratee);

    /** The histogram of all revealed ratings on the platform (sum of every user's). O(1). */
    StarHistogram platformAggregate();

    /**
     * Keys of sealed ratings whose {@link Rating#revealAt()} is at or before {@code now}, earliest
     * first, at most {@code limit}. May include a rating that a concurrent writer is revealing; callers
     * re-read and compare-and-set.
     *
     * @throws IllegalArgumentException if limit is below 1
     */
    List<RatingKey> sealedDueBy(Instant now, int limit);

    /** Outcome of {@link #insertIfAbsent}. */
    sealed interface InsertResult permits InsertResult.Inserted, InsertResult.Conflict {

        /** The rating now stored under the key: the new one or the one that was there. */
        Rating rating();

        /**
         * The rating was stored.
         *
         * @param rating what was stored
         */
        record Inserted(Rating rating) implements InsertResult {
            /**
             * Checks that {@code rating} is not null.
             * @throws NullPointerException if a required component is null
             */
            public Inserted {
                Objects.requireNonNull(rating, "rating");
            }
        }

        /**
         * A rating with the same key existed; nothing was written.
         *
         * @param rating the stored rating
         */
        record Conflict(Rating rating) implements InsertResult {
            /**
             * Checks that {@code rating} is not null.
             * @throws NullPointerException if a required component is null
             */
            public Conflict {
                Objects.requireNonNull(rating, "rating");
            }
        }
    }

    /**
     * The histograms of revealed ratings about each of {@code ratees}, as one read: every requested
     * user is a key of the result ({@link StarHistogram#EMPTY} if none). Answer it in one backend round
     * trip where the backend allows (used by batch scoring, e.g. one nearby distance bucket); the
     * default asks {@link #aggregate} once per user. Need not be atomic across users.
     */
    default Map<UserId, StarHistogram> aggregates(Collection<UserId> ratees) {
        Map<UserId, StarHistogram> result = new HashMap<>(Math.max(4, ratees.size() * 2));
        for (UserId u : ratees) {
            result.put(u, aggregate(u));
        }
        return result;
    }
}
