package dev.vicinity.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vicinity.core.InvalidInputException;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The score formulas against worked examples derived by hand and published ones. */
class ScoreFormulasTest {

    @Test
    void starLowerBoundOfEvanMillersWorkedExample() {
        // 60 five-star, 80 four-star, 75 three-star, 20 two-star, 25 one-star; K = 5, N = 260, z = 1.65.
        // Σ s(n+1) = 5·61 + 4·81 + 3·76 + 2·21 + 1·26 = 925       -> 925/265  = 3.490566…
        // Σ s²(n+1) = 25·61 + 16·81 + 9·76 + 4·21 + 1·26 = 3615  -> 3615/265 = 13.641509…
        // variance = 13.6415094 − 3.4905660² = 13.6415094 − 12.1840513 = 1.4574582
        // 1.4574582 / 266 = 0.00547917; sqrt = 0.0740214; bound = 3.4905660 − 1.65 · 0.0740214 = 3.3684307
        StarHistogram h = StarHistogram.of(25, 20, 75, 80, 60);
        double bound = ScoreFormulas.starLowerBound(h, 1.65);
        assertThat(bound).isCloseTo(3.3684307, within(1e-7));
        double first = 925.0 / 265;
        assertThat(bound).isCloseTo(first - 1.65 * Math.sqrt((3615.0 / 265 - first * first) / 266), within(1e-12));
        // The published Python run of the same example prints 3.3686975 ("about 3.4"); it agrees to 3e-4.
        assertThat(bound).isCloseTo(3.3686975, within(5e-4));
    }

    @Test
    void starLowerBoundReproducesEvanMillersPublishedOrdering() {
        // sorted([(60,80,75,20,25), (10,0,0,0,0), (5,0,0,0,0)]) -> [(10,…), (60,…), (5,…)], tuples n5..n1
        StarHistogram many = StarHistogram.of(25, 20, 75, 80, 60);
        StarHistogram tenPerfect = StarHistogram.of(0, 0, 0, 0, 10);
        StarHistogram fivePerfect = StarHistogram.of(0, 0, 0, 0, 5);
        List<StarHistogram> sorted = List.of(many, fivePerfect, tenPerfect).stream()
                .sorted(Comparator.comparingDouble((StarHistogram h) -> ScoreFormulas.starLowerBound(h, 1.65)).reversed())
                .toList();
        assertThat(sorted).containsExactly(tenPerfect, many, fivePerfect);
    }

    @Test
    void starLowerBoundOfNoRatingsIsThePriorOnly() {
        // uniform prior: mean 3, E[s²] = 11, variance 2, /(0+5+1) = 1/3
        assertThat(ScoreFormulas.starLowerBound(StarHistogram.EMPTY, 1.65))
                .isCloseTo(3 - 1.65 * Math.sqrt(1.0 / 3), within(1e-12));
        assertThat(ScoreFormulas.starLowerBound(StarHistogram.EMPTY, 0)).isCloseTo(3, within(1e-12));
    }

    @Test
    void starLowerBoundIsBelowTheMeanAndRisesWithEvidence() {
        StarHistogram h = StarHistogram.EMPTY;
        double previous = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 50; i++) {
            h = h.plus(5);
            double bound = ScoreFormulas.starLowerBound(h, 1.65);
            assertThat(bound).isGreaterThan(previous).isLessThan(5);
            previous = bound;
        }
    }

    @Test
    void bayesianMeanShrinksTowardsThePrior() {
        StarHistogram h = StarHistogram.of(0, 0, 1, 1, 1); // n = 3, Σ = 12
        assertThat(ScoreFormulas.bayesianMean(h, 5, 3.5)).isCloseTo((5 * 3.5 + 12) / 8, within(1e-12));
        assertThat(ScoreFormulas.bayesianMean(h, 0, 3.5)).isCloseTo(4.0, within(1e-12));
        assertThat(ScoreFormulas.bayesianMean(StarHistogram.EMPTY, 5, 3.5)).isEqualTo(3.5);
        assertThat(ScoreFormulas.bayesianMean(StarHistogram.EMPTY, 0, 3.5)).isEqualTo(3.5);
        // one 1-star with m = 5, C = 4: (20 + 1)/6 = 3.5
        assertThat(ScoreFormulas.bayesianMean(StarHistogram.EMPTY.plus(1), 5, 4)).isCloseTo(3.5, within(1e-12));
    }

    @Test
    void wilsonLowerBoundMatchesTabulatedIntervals() {
        // 95% Wilson score intervals (z = 1.96): 8/10 -> [0.4902, 0.9433]; 10/10 -> [0.7225, 1]
        assertThat(ScoreFormulas.wilsonLowerBound(8, 10, 1.96)).isCloseTo(0.4902, within(1e-4));
        assertThat(ScoreFormulas.wilsonLowerBound(10, 10, 1.96)).isCloseTo(0.7225, within(1e-4));
        // hand: p = 0.5, n = 100, z = 1.96: (0.5 + 0.019208 − 1.96·sqrt(0.0025 + 0.00009604)) / 1.038416
        double expected = (0.5 + 0.019208 - 1.96 * Math.sqrt(0.0025 + 0.00009604)) / 1.038416;
        assertThat(ScoreFormulas.wilsonLowerBound(50, 100, 1.96)).isCloseTo(expected, within(1e-9));
        assertThat(ScoreFormulas.wilsonLowerBound(0, 10, 1.96)).isZero();
        assertThat(ScoreFormulas.wilsonLowerBound(0, 0, 1.96)).isZero();
    }

    @Test
    void positiveShareCountsFourAndFiveStarsAsPositive() {
        StarHistogram h = StarHistogram.of(1, 0, 1, 3, 5); // 8 positive of 10
        assertThat(ScoreFormulas.positiveShareLowerBound(h, 1.96))
                .isEqualTo(ScoreFormulas.wilsonLowerBound(8, 10, 1.96));
    }

    @Test
    void badParametersAreInvalidArguments() {
        assertThatThrownBy(() -> ScoreFormulas.bayesianMean(StarHistogram.EMPTY, -1, 3))
                .isInstanceOf(InvalidInputException.class).hasFieldOrPropertyWithValue("code", "invalid_argument");
        assertThatThrownBy(() -> ScoreFormulas.bayesianMean(StarHistogram.EMPTY, 1, 6))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ScoreFormulas.bayesianMean(StarHistogram.EMPTY, Double.NaN, 3))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ScoreFormulas.starLowerBound(StarHistogram.EMPTY, -0.1))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ScoreFormulas.wilsonLowerBound(3, 2, 1.96))
                .isInstanceOf(InvalidInputException.class);
    }
}
