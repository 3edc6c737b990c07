package dev.vicinity.rating;

/**
 * Lifecycle of a stored rating. Only {@link #REVEALED} ratings count in aggregates.
 *
 * <pre>
 *   SEALED --(counterpart rated, or window closed)--> REVEALED
 *   SEALED --(withdraw)--> WITHDRAWN
 *   REVEALED --(withdraw)--> WITHDRAWN
 * </pre>
 *
 * A sealed rating may be edited by its rater; revealed and withdrawn ratings never change content.
 */
public enum RatingState {
    /** Stored but hidden from the ratee and from aggregates (double-blind). */
    SEALED,
    /** Visible to the ratee and counted in the ratee's aggregate. */
    REVEALED,
    /** Soft-deleted (moderation); never counted, still blocks a second rating with the same key. */
    WITHDRAWN;

    /** Whether a rating in this state contributes to aggregates. */
    public boolean counted() {
        return this == REVEALED;
    }
}
