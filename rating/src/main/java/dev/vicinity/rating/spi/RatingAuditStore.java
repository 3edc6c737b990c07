package dev.vicinity.rating.spi;

import dev.vicinity.core.UserId;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.StarHistogram;
import java.util.List;
import java.util.Objects;

/**
 * Optional primitives for {@link dev.vicinity.rating.RatingService#reconcile}: read a user's running
 * aggregate together with the ratings it should be derived from, and repair it. A backend usually
 * implements this next to {@link RatingStore} in the same class; the service picks it up when the
 * store implements both.
 *
 * <p>Thread-safe; each method is atomic with respect to every {@link RatingStore} write.
 */
public interface RatingAuditStore {

    /**
     * The stored histogram of {@code ratee} and every stored rating about them (all states), read in
     * one consistent snapshot (one transaction, one Lua script, the ratee's lock). O(ratings of the
     * user).
     */
    Snapshot snapshot(UserId ratee);

    /**
     * Replaces the stored histogram of {@code ratee} by {@code replacement} if it still equals
     * {@code expected}, and moves the platform histogram by {@code replacement − expected} in the same
     * atomic step.
     *
     * @return true if replaced; false (nothing written) if the stored histogram changed meanwhile
     */
    boolean replaceAggregate(UserId ratee, StarHistogram expected, StarHistogram replacement);

    /**
     * A consistent read of one user's aggregate and ratings.
     *
     * @param stored the running histogram
     * @param ratings every stored rating whose ratee is the user, any state
     */
    record Snapshot(StarHistogram stored, List<Rating> ratings) {
        /**
         * Checks that {@code stored} is not null and keeps an immutable copy of {@code ratings}.
         * @throws NullPointerException if a required component is null
         */
        public Snapshot {
            Objects.requireNonNull(stored, "stored");
            ratings = List.copyOf(ratings);
        }
    }
}
