package dev.vicinity.rating;

import dev.vicinity.core.UserId;
import java.util.Objects;

/**
 * Result of {@link RatingService#reconcile}: the stored aggregate of a user next to a recount of their
 * stored ratings, read in one atomic snapshot.
 *
 * @param user whose aggregate
 * @param stored the running aggregate the store held
 * @param recounted the histogram recounted from the stored ratings
 * @param repaired true if the stored aggregate was replaced by the recount
 */
public record ReconcileReport(UserId user, StarHistogram stored, StarHistogram recounted, boolean repaired) {
    /**
     * Checks that {@code user}, {@code stored}, {@code recounted} are not null.
     * @throws NullPointerException if a required component is null
     */
    public ReconcileReport {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(recounted, "recounted");
    }

    /** Whether the stored aggregate differed from the recount in any bucket. */
    public boolean drifted() {
        return !stored.equals(recounted);
    }

    /** {@code stored.count() - recounted.count()}: positive when the store counted too many. */
    public long countDrift() {
        return stored.count() - recounted.count();
    }

    /** {@code stored.sum() - recounted.sum()}. */
    public long sumDrift() {
        return stored.sum() - recounted.sum();
    }
}
