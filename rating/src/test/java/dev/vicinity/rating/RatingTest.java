package dev.vicinity.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RatingTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final RatingKey KEY = RatingKey.of(SessionId.of("s"), UserId.of("a"), UserId.of("b"));

    @Test
    void everyChangeBumpsTheVersionAndKeepsTheIdentity() {
        Rating r = Rating.create(KEY, 3, Set.of("b", "a"), "private words", "k", RatingState.SEALED, T, T.plusSeconds(9));
        Rating edited = r.withContent(4, Set.of(), null, T.plusSeconds(1));
        Rating revealed = edited.withState(RatingState.REVEALED, T.plusSeconds(2));

        assertThat(r.version()).isEqualTo(1);
        assertThat(r.tags()).containsExactly("a", "b");
        assertThat(edited.version()).isEqualTo(2);
        assertThat(edited.submittedAt()).isEqualTo(T);
        assertThat(edited.idempotencyKey()).isEqualTo("k");
        assertThat(revealed.version()).isEqualTo(3);
        assertThat(revealed.counted()).isTrue();
        assertThat(revealed.stars()).isEqualTo(4);
        assertThat(revealed.revealAt()).isEqualTo(T.plusSeconds(9));
    }

    @Test
    void aDuplicateIsRevealedButNotCountedAndKeepsItsFlag() {
        Rating revealed = Rating.create(KEY, 5, Set.of(), null, null, RatingState.REVEALED, T, T.plusSeconds(9));
        Rating duplicate = revealed.withDuplicate(true);

        assertThat(revealed.duplicate()).isFalse();
        assertThat(revealed.withDuplicate(false)).isSameAs(revealed);
        assertThat(duplicate.version()).isEqualTo(revealed.version());
        assertThat(duplicate.revealed()).isTrue();
        assertThat(duplicate.counted()).isFalse();
        assertThat(duplicate.withState(RatingState.WITHDRAWN, T.plusSeconds(1)).duplicate()).isTrue();
        assertThat(duplicate.toString()).contains("duplicate");
        assertThat(StarHistogram.recount(java.util.List.of(revealed, duplicate.withState(RatingState.REVEALED, T))))
                .isEqualTo(StarHistogram.EMPTY.plus(5));
    }

    @Test
    void theCommentNeverAppearsInToString() {
        Rating r = Rating.create(KEY, 3, Set.of(), "private words", null, RatingState.SEALED, T, T);
        assertThat(r.toString()).doesNotContain("private");
        assertThat(RatingRequest.of(KEY.session(), KEY.rater(), KEY.ratee(), 3).withComment("private words").toString())
                .doesNotContain("private");
    }

    @Test
    void starsOutsideOneToFiveCannotBeStored() {
        assertThatThrownBy(() -> Rating.create(KEY, 0, Set.of(), null, null, RatingState.SEALED, T, T))
                .isInstanceOf(InvalidRatingException.class).hasFieldOrPropertyWithValue("code", "invalid_stars");
    }

    @Test
    void counterpartSwapsRaterAndRatee() {
        assertThat(KEY.counterpart()).isEqualTo(RatingKey.of(SessionId.of("s"), UserId.of("b"), UserId.of("a")));
        assertThat(KEY.counterpart().counterpart()).isEqualTo(KEY);
        assertThat(RatingState.REVEALED.counted()).isTrue();
        assertThat(RatingState.SEALED.counted()).isFalse();
        assertThat(RatingState.WITHDRAWN.counted()).isFalse();
    }
}
