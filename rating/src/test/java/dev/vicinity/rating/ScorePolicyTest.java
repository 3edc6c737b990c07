package dev.vicinity.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.UserId;
import org.junit.jupiter.api.Test;

class ScorePolicyTest {
    private static final UserId U = UserId.of("u");

    @Test
    void defaultsAreTheDocumentedOnes() {
        ScorePolicy p = ScorePolicy.DEFAULTS;
        assertThat(p.priorWeight()).isEqualTo(5);
        assertThat(p.minCountToShow()).isEqualTo(3);
        assertThat(p.confidenceZ()).isEqualTo(1.65);
        assertThat(p.priorMean()).isEqualTo(PriorMean.fromPlatform(3.0, 50));
    }

    @Test
    void belowTheMinimumOnlyTheCountIsShown() {
        RatingSummary s = ScorePolicy.DEFAULTS.summarize(U, StarHistogram.of(0, 0, 0, 0, 2), StarHistogram.EMPTY);
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.shown()).isFalse();
        assertThat(s.histogram()).isEmpty();
        assertThat(s.mean()).isEmpty();
        assertThat(s.bayesianMean()).isEmpty();
        assertThat(s.lowerBound()).isEmpty();
        assertThat(ScorePolicy.DEFAULTS.rankingScore(StarHistogram.of(0, 0, 0, 0, 2))).isEmpty();
    }

    @Test
    void atTheMinimumEverythingIsShown() {
        StarHistogram h = StarHistogram.of(0, 0, 0, 1, 2);
        RatingSummary s = ScorePolicy.DEFAULTS.summarize(U, h, StarHistogram.EMPTY);
        assertThat(s.shown()).isTrue();
        assertThat(s.histogram()).contains(h);
        assertThat(s.mean().getAsDouble()).isEqualTo(14.0 / 3);
        assertThat(s.priorMean()).as("empty platform: fallback").isEqualTo(3.0);
        assertThat(s.bayesianMean().getAsDouble()).isEqualTo((5 * 3.0 + 14) / 8);
        assertThat(s.lowerBound().getAsDouble()).isEqualTo(ScoreFormulas.starLowerBound(h, 1.65));
    }

    @Test
    void priorMeanFromThePlatformNeedsEnoughPlatformRatings() {
        PriorMean prior = PriorMean.fromPlatform(3.0, 4);
        assertThat(prior.resolve(StarHistogram.of(0, 0, 0, 0, 3))).isEqualTo(3.0);
        assertThat(prior.resolve(StarHistogram.of(0, 0, 0, 1, 3))).isEqualTo(19.0 / 4);
        assertThat(PriorMean.fixed(3.7).resolve(StarHistogram.of(9, 0, 0, 0, 0))).isEqualTo(3.7);
    }

    @Test
    void invalidOptionsNameTheProblem() {
        assertThatThrownBy(() -> new ScorePolicy(-1, 3, 1.65, PriorMean.fixed(3)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("priorWeight");
        assertThatThrownBy(() -> new ScorePolicy(5, 0, 1.65, PriorMean.fixed(3)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("minCountToShow");
        assertThatThrownBy(() -> new ScorePolicy(5, 3, Double.POSITIVE_INFINITY, PriorMean.fixed(3)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("z");
        assertThatThrownBy(() -> PriorMean.fixed(0.5)).hasMessageContaining("priorMean");
        assertThatThrownBy(() -> PriorMean.fromPlatform(3, 0)).hasMessageContaining("minPlatformCount");
    }
}
