package dev.vicinity.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StarHistogramTest {

    @Test
    void countSumAndMeanFollowTheBuckets() {
        StarHistogram h = StarHistogram.of(1, 2, 3, 4, 5);
        assertThat(h.count()).isEqualTo(15);
        assertThat(h.sum()).isEqualTo(1 + 4 + 9 + 16 + 25);
        assertThat(h.mean().getAsDouble()).isEqualTo(55.0 / 15);
        assertThat(StarHistogram.EMPTY.mean()).isEmpty();
        assertThat(StarHistogram.EMPTY.isEmpty()).isTrue();
        for (int stars = 1; stars <= 5; stars++) {
            assertThat(h.countOf(stars)).isEqualTo(stars);
        }
    }

    @Test
    void plusAndMinusMoveOneBucket() {
        StarHistogram h = StarHistogram.EMPTY.plus(4).plus(4).plus(1);
        assertThat(h).isEqualTo(StarHistogram.of(1, 0, 0, 2, 0));
        assertThat(h.minus(4)).isEqualTo(StarHistogram.of(1, 0, 0, 1, 0));
        assertThat(h.plus(StarHistogram.of(1, 1, 1, 1, 1))).isEqualTo(StarHistogram.of(2, 1, 1, 3, 1));
        assertThat(StarHistogram.ofArray(h.toArray())).isEqualTo(h);
    }

    @Test
    void countsNeverGoNegativeAndStarsStayInRange() {
        assertThatThrownBy(() -> StarHistogram.EMPTY.minus(3)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> StarHistogram.of(-1, 0, 0, 0, 0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> StarHistogram.EMPTY.plus(6))
                .isInstanceOf(InvalidRatingException.class).hasFieldOrPropertyWithValue("code", "invalid_stars");
        assertThatThrownBy(() -> StarHistogram.ofArray(new long[4])).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void recountCountsOnlyRevealedRatings() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        UserId a = UserId.of("a");
        UserId b = UserId.of("b");
        List<Rating> ratings = List.of(
                Rating.create(RatingKey.of(SessionId.of("s1"), a, b), 5, Set.of(), null, null, RatingState.REVEALED, t, t),
                Rating.create(RatingKey.of(SessionId.of("s2"), a, b), 4, Set.of(), null, null, RatingState.SEALED, t, t),
                Rating.create(RatingKey.of(SessionId.of("s3"), a, b), 3, Set.of(), null, null, RatingState.REVEALED, t, t)
                        .withState(RatingState.WITHDRAWN, t),
                Rating.create(RatingKey.of(SessionId.of("s4"), a, b), 5, Set.of(), null, null, RatingState.REVEALED, t, t));
        assertThat(StarHistogram.recount(ratings)).isEqualTo(StarHistogram.of(0, 0, 0, 0, 2));
    }
}
