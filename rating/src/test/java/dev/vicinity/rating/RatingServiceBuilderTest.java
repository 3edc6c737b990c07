package dev.vicinity.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.UserId;
import dev.vicinity.rating.spi.RatingStore;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Option validation and defaults; the behaviour is covered by the testkit's RatingServiceContract. */
class RatingServiceBuilderTest {

    /** A store that must not be touched by these tests. */
    private static final RatingStore UNUSED = (RatingStore) Proxy.newProxyInstance(
            RatingStore.class.getClassLoader(), new Class<?>[] {RatingStore.class}, (p, m, a) -> {
                throw new AssertionError("store called: " + m.getName());
            });
    private static final RatableSessions NO_SESSIONS = id -> Optional.empty();

    private static RatingService.Builder builder() {
        return RatingService.builder(UNUSED, NO_SESSIONS);
    }

    @Test
    void defaults() {
        RatingService s = builder().build();
        assertThat(s.ratingWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(s.countOncePer()).isEqualTo(Duration.ofDays(7));
        assertThat(builder().countOncePer(Duration.ZERO).build().countOncePer()).isZero();
        assertThat(s.scorePolicy()).isEqualTo(ScorePolicy.DEFAULTS);
    }

    @Test
    void everyBadOptionIsNamed() {
        assertInvalid(builder().ratingWindow(Duration.ZERO), "ratingWindow");
        assertInvalid(builder().ratingWindow(Duration.ofDays(366)), "ratingWindow");
        assertInvalid(builder().countOncePer(Duration.ofSeconds(-1)), "countOncePer");
        assertInvalid(builder().countOncePer(Duration.ofDays(366)), "countOncePer");
        assertInvalid(builder().maxCommentLength(-1), "maxCommentLength");
        assertInvalid(builder().maxTags(65), "maxTags");
        assertInvalid(builder().revealBatchSize(0), "revealBatchSize");
    }

    @Test
    void reconcileWithoutAnAuditStoreIsAConfigurationError() {
        assertThatThrownBy(() -> builder().build().reconcile(UserId.of("u"), false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("RatingAuditStore");
    }

    @Test
    void malformedInputIsRefusedBeforeTheStoreOrSessionsAreAsked() {
        RatingService s = builder().build();
        RatingRequest bad = RatingRequest.of(dev.vicinity.core.SessionId.of("s"), UserId.of("a"), UserId.of("b"), 0);
        assertThatThrownBy(() -> s.submit(bad)).hasFieldOrPropertyWithValue("code", "invalid_stars");
    }

    private static void assertInvalid(RatingService.Builder b, String option) {
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(option);
    }
}
