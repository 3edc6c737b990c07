package dev.vicinity.rating;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;

/**
 * Where the prior mean {@code C} of the Bayesian mean comes from. Immutable.
 */
public sealed interface PriorMean permits PriorMean.Fixed, PriorMean.FromPlatform {

    /** The prior mean to use given the platform's aggregate. O(1). */
    double resolve(StarHistogram platform);

    /** A constant {@code C}, e.g. 3.5. */
    static PriorMean fixed(double value) {
        return new Fixed(value);
    }

    /**
     * The mean of all revealed ratings on the platform (kept O(1) by the store), or {@code fallback}
     * while the platform has fewer than {@code minPlatformCount} revealed ratings.
     */
    static PriorMean fromPlatform(double fallback, long minPlatformCount) {
        return new FromPlatform(fallback, minPlatformCount);
    }

    /**
     * A configured constant.
     *
     * @param value within 1..5
     */
    record Fixed(double value) implements PriorMean {
        /** @throws InvalidInputException (invalid_argument) if value is outside 1..5 */
        public Fixed {
            ScoreFormulas.checkStarValue("priorMean", value);
        }

        @Override
        public double resolve(StarHistogram platform) {
            return value;
        }
    }

    /**
     * The platform mean with a fallback for young platforms.
     *
     * @param fallback used while the platform has too few ratings; within 1..5
     * @param minPlatformCount ratings the platform needs before its mean is used; ≥ 1
     */
    record FromPlatform(double fallback, long minPlatformCount) implements PriorMean {
        /** @throws InvalidInputException (invalid_argument) if fallback is outside 1..5 or minPlatformCount below 1 */
        public FromPlatform {
            ScoreFormulas.checkStarValue("fallback", fallback);
            if (minPlatformCount < 1) {
                throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "minPlatformCount must be >= 1, got " + minPlatformCount);
            }
        }

        @Override
        public double resolve(StarHistogram platform) {
            return platform.count() >= minPlatformCount ? platform.mean().orElse(fallback) : fallback;
        }
    }
}
