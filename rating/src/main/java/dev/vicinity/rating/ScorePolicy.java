package dev.vicinity.rating;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.UserId;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How scores are derived from histograms: the Bayesian prior, the confidence of the ranking lower
 * bound and the minimum count below which nothing is shown. Immutable and thread-safe; every method is
 * a pure O(1) function.
 *
 * @param priorWeight {@code m} of the Bayesian mean (default 5)
 * @param minCountToShow ratings a user needs before any score is shown or ranked (default 3)
 * @param confidenceZ normal quantile of the ranking lower bound (default 1.65, ≈ 95% one-sided)
 * @param priorMean where {@code C} comes from (default: the platform mean once it has 50 ratings,
 *     3.0 before)
 */
public record ScorePolicy(double priorWeight, long minCountToShow, double confidenceZ, PriorMean priorMean) {

    /** Default {@code m}. */
    public static final double DEFAULT_PRIOR_WEIGHT = 5;
    /** Default minimum count. */
    public static final long DEFAULT_MIN_COUNT = 3;
    /** Default z. */
    public static final double DEFAULT_Z = 1.65;
    /** Default C: the platform mean once the platform has 50 revealed ratings, 3.0 before. */
    public static final PriorMean DEFAULT_PRIOR_MEAN = PriorMean.fromPlatform(3.0, 50);
    /** All defaults. */
    public static final ScorePolicy DEFAULTS =
            new ScorePolicy(DEFAULT_PRIOR_WEIGHT, DEFAULT_MIN_COUNT, DEFAULT_Z, DEFAULT_PRIOR_MEAN);

    /** @throws InvalidInputException (invalid_argument) with a message naming the bad option */
    public ScorePolicy {
        if (!(priorWeight >= 0) || Double.isInfinite(priorWeight)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "priorWeight must be finite and >= 0, got " + priorWeight);
        }
        if (minCountToShow < 1) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "minCountToShow must be >= 1, got " + minCountToShow);
        }
        ScoreFormulas.checkZ(confidenceZ);
        Objects.requireNonNull(priorMean, "priorMean");
    }

    /** Whether a user with this histogram may be shown or ranked. */
    public boolean shows(StarHistogram h) {
        return h.count() >= minCountToShow;
    }

    /** The summary of {@code user} given their histogram and the platform's. */
    public RatingSummary summarize(UserId user, StarHistogram h, StarHistogram platform) {
        double c = priorMean.resolve(platform);
        if (!shows(h)) {
            return new RatingSummary(user, h.count(), false, Optional.empty(), OptionalDouble.empty(),
                    OptionalDouble.empty(), OptionalDouble.empty(), c);
        }
        return new RatingSummary(user, h.count(), true, Optional.of(h), h.mean(),
                OptionalDouble.of(ScoreFormulas.bayesianMean(h, priorWeight, c)),
                OptionalDouble.of(ScoreFormulas.starLowerBound(h, confidenceZ)), c);
    }

    /** The ranking score (star lower bound), or empty below the minimum count. */
    public OptionalDouble rankingScore(StarHistogram h) {
        return shows(h) ? OptionalDouble.of(ScoreFormulas.starLowerBound(h, confidenceZ)) : OptionalDouble.empty();
    }
}
