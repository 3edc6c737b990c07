package dev.vicinity.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.geo.memory.InMemoryBlockList;
import dev.vicinity.core.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (two LocationServices and two matchers over one Redis) sharing a RedisRateLimitStore: an
 * attacker alternating between them gets one budget, not two, for queries and for location updates.
 */
class RedisGeoRateLimitIT {
    private final String prefix = RedisTestSupport.newPrefix("geo-limits");

    @AfterEach
    void deleteKeys() {
        RedisTestSupport.deleteKeys(prefix);
    }

    @Test
    void queryAndUpdateLimitsAreClusterWide() {
        MutableClock clock = new MutableClock();
        var connection = RedisTestSupport.connection();
        var store = RedisLocationStore.builder(connection).keyPrefix(prefix).build();
        var index = RedisProximityIndex.builder(connection).keyPrefix(prefix).build();
        LocationService[] nodes = new LocationService[2];
        NearbyMatcher[] matchers = new NearbyMatcher[2];
        byte[] secret = "shared-secret-for-both-nodes-123".getBytes();
        for (int n = 0; n < 2; n++) {
            var limits = RedisRateLimitStore.builder(connection).keyPrefix(prefix).build(); // one per node
            nodes[n] = LocationService.builder(store, index).clock(clock).rateLimitStore(limits)
                    .updateRateLimit(6, Duration.ofMinutes(1)).build();
            matchers[n] = NearbyMatcher.builder(nodes[n], new InMemoryBlockList(), u -> true).clock(clock)
                    .rateLimitStore(limits).rateLimit(4, Duration.ofMinutes(1)).distributed(true).cursorSecret(secret)
                    .build();
        }
        UserId mallory = UserId.of("mallory");
        for (int i = 0; i < 6; i++) {
            nodes[i % 2].submit(mallory, LocationFix.precise(52.52, 13.405, 5, clock.instant()));
        }
        assertThatThrownBy(() -> nodes[0].submit(mallory, LocationFix.precise(52.52, 13.405, 5, clock.instant())))
                .isInstanceOf(RateLimitedException.class).hasFieldOrPropertyWithValue("code", ErrorCodes.RATE_LIMITED);
        for (int i = 0; i < 4; i++) {
            assertThat(matchers[i % 2].nearby(NearbyQuery.of(mallory, 1_000, 10)).matches()).isEmpty();
        }
        for (NearbyMatcher m : matchers) {
            assertThatThrownBy(() -> m.nearby(NearbyQuery.of(mallory, 1_000, 10)))
                    .isInstanceOf(RateLimitedException.class)
                    .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter()).isEqualTo(Duration.ofSeconds(15)));
        }
        clock.advance(Duration.ofSeconds(15));
        assertThat(matchers[1].nearby(NearbyQuery.of(mallory, 1_000, 10)).matches()).isEmpty();
    }
}
