package dev.vicinity.rating;

import java.util.Objects;

/**
 * Outcome of {@link RatingService#submit}, {@link RatingService#edit} and {@link RatingService#withdraw}:
 * either the rating as stored after the call, or a rejection with a stable code. Exhaustive
 * {@code switch} over the two records is the intended use.
 */
public sealed interface RatingResult permits RatingResult.Accepted, RatingResult.Rejected {

    /** True for {@link Accepted}. */
    default boolean accepted() {
        return this instanceof Accepted;
    }

    /**
     * The operation took effect (or had already taken effect, see {@code replayed}).
     *
     * @param rating the rating as stored right after the call (it may be revealed already)
     * @param replayed true if this was a retry with the idempotency key of an existing rating, so
     *     nothing new was written
     */
    record Accepted(Rating rating, boolean replayed) implements RatingResult {
        /**
         * Checks that {@code rating} is not null.
         * @throws NullPointerException if a required component is null
         */
        public Accepted {
            Objects.requireNonNull(rating, "rating");
        }
    }

    /**
     * Nothing was written.
     *
     * @param reason why
     */
    record Rejected(RatingRejection reason) implements RatingResult {
        /**
         * Checks that {@code reason} is not null.
         * @throws NullPointerException if a required component is null
         */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }

        /** The stable code of the reason. */
        public String code() {
            return reason.code();
        }
    }
}
