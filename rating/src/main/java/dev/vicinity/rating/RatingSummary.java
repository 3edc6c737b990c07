package dev.vicinity.rating;

import dev.vicinity.core.UserId;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What may be shown about a user's ratings, computed from their revealed-ratings histogram by a
 * {@link ScorePolicy}. Below the policy's minimum count nothing but the count is shown: the
 * histogram and every score are empty.
 *
 * <p>Immutable value.
 *
 * @param user whose ratings
 * @param count number of revealed, not withdrawn ratings
 * @param shown whether {@code count} reached the minimum count
 * @param histogram the star histogram, present only when shown
 * @param mean the arithmetic mean, present only when shown
 * @param bayesianMean {@code (m·C + Σ)/(m + n)}, present only when shown (for display)
 * @param lowerBound Evan Miller's star lower bound, present only when shown (for ranking)
 * @param priorMean the {@code C} used for the Bayesian mean
 */
public record RatingSummary(UserId user, long count, boolean shown, Optional<StarHistogram> histogram,
                            OptionalDouble mean, OptionalDouble bayesianMean, OptionalDouble lowerBound,
                            double priorMean) {
    /**
     * Checks that {@code user}, {@code histogram}, {@code mean}, {@code bayesianMean}, {@code lowerBound} are not
     * null.
     * @throws NullPointerException if a required component is null
     */
    public RatingSummary {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(histogram, "histogram");
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(bayesianMean, "bayesianMean");
        Objects.requireNonNull(lowerBound, "lowerBound");
    }
}
