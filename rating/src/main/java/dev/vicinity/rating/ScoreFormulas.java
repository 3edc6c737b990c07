package dev.vicinity.rating;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;

/**
 * The score formulas, as pure functions of a {@link StarHistogram}. Stateless and thread-safe; every
 * method is O(1) (five buckets).
 *
 * <ul>
 *   <li>{@link #bayesianMean}: {@code (m·C + Σstars) / (m + n)}, the mean shrunk towards a prior mean
 *       {@code C} with the weight of {@code m} ratings; for display.</li>
 *   <li>{@link #starLowerBound}: Evan Miller's lower bound of the expected star value under a Dirichlet
 *       posterior with a uniform prior ("Ranking Items With Star Ratings"); for ranking.</li>
 *   <li>{@link #wilsonLowerBound}: the lower bound of the Wilson score interval of a proportion, here
 *       used with 4★ and 5★ counted as positive; an alternative for ranking.</li>
 * </ul>
 */
public final class ScoreFormulas {

    private ScoreFormulas() {}

    /**
     * Bayesian (shrunk) mean {@code (m·C + sum) / (m + n)}.
     *
     * @param priorWeight {@code m} ≥ 0, the number of virtual ratings at the prior mean
     * @param priorMean {@code C}, the prior mean (e.g. the platform mean), within 1..5
     * @return the prior mean itself when {@code m + n} is zero
     * @throws InvalidInputException (invalid_argument) if {@code m} is negative or not finite or {@code C} is outside 1..5
     */
    public static double bayesianMean(StarHistogram h, double priorWeight, double priorMean) {
        if (!(priorWeight >= 0) || Double.isInfinite(priorWeight)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "priorWeight must be finite and >= 0, got " + priorWeight);
        }
        checkStarValue("priorMean", priorMean);
        double denominator = priorWeight + h.count();
        if (denominator == 0) {
            return priorMean;
        }
        return (priorWeight * priorMean + h.sum()) / denominator;
    }

    /**
     * Evan Miller's star-rating lower bound with K = 5 and star worth s_k = k:
     * <pre>
     *   S = Σ s_k (n_k+1)/(N+K) − z · sqrt( (Σ s_k² (n_k+1)/(N+K) − (Σ s_k (n_k+1)/(N+K))²) / (N+K+1) )
     * </pre>
     * Each bucket gets one pseudo-rating (uniform prior), so an empty histogram scores
     * {@code 3 − z·sqrt(2/6)} rather than nothing, and few ratings score lower than many equal ones.
     *
     * @param z the normal quantile, e.g. 1.65 (≈ 95% one-sided); must be finite and ≥ 0
     */
    public static double starLowerBound(StarHistogram h, double z) {
        checkZ(z);
        double k = Rating.MAX_STARS;
        double n = h.count();
        double denominator = n + k;
        double first = 0;
        double second = 0;
        for (int stars = 1; stars <= Rating.MAX_STARS; stars++) {
            double weight = (h.countOf(stars) + 1) / denominator;
            first += stars * weight;
            second += (double) stars * stars * weight;
        }
        double variance = Math.max(0, second - first * first);
        return first - z * Math.sqrt(variance / (n + k + 1));
    }

    /**
     * Lower bound of the Wilson score interval for a proportion of positive outcomes:
     * <pre>
     *   (p + z²/2n − z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n),   p = positives / n
     * </pre>
     *
     * @return 0 when {@code n} is zero; otherwise a value in [0, 1]
     * @throws InvalidInputException (invalid_argument) if {@code positives} is outside 0..n or z is negative/not finite
     */
    public static double wilsonLowerBound(long positives, long n, double z) {
        checkZ(z);
        if (n < 0 || positives < 0 || positives > n) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "need 0 <= positives <= n, got " + positives + "/" + n);
        }
        if (n == 0) {
            return 0;
        }
        double p = (double) positives / n;
        double z2 = z * z;
        double centre = p + z2 / (2.0 * n);
        double margin = z * Math.sqrt((p * (1 - p) + z2 / (4.0 * n)) / n);
        return Math.max(0, (centre - margin) / (1 + z2 / n));
    }

    /** {@link #wilsonLowerBound} with 4★ and 5★ as positive, 1★–3★ as negative. */
    public static double positiveShareLowerBound(StarHistogram h, double z) {
        return wilsonLowerBound(h.n4() + h.n5(), h.count(), z);
    }

    static void checkZ(double z) {
        if (!(z >= 0) || Double.isInfinite(z)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "z must be finite and >= 0, got " + z);
        }
    }

    static void checkStarValue(String name, double value) {
        if (!(value >= Rating.MIN_STARS && value <= Rating.MAX_STARS)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, name + " must be within 1..5, got " + value);
        }
    }
}
