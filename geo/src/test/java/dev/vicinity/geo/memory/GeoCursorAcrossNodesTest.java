package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoErrorCodes;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatch;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.core.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two matcher instances (two nodes) over the same data: with the same secret, pages alternate between
 * them and still form the one ranking (ties, which are most users here, ordered identically); with
 * random per-instance secrets a cursor from the other node is {@code invalid_cursor}.
 */
class GeoCursorAcrossNodesTest {
    final MutableClock clock = new MutableClock();
    final LocationService locations = LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex())
            .clock(clock).noUpdateRateLimit().build();
    final InMemoryBlockList blocks = new InMemoryBlockList();
    final byte[] secret = "a-shared-secret-of-32-bytes-long".getBytes();
    final UserId me = UserId.of("me");

    NearbyMatcher node(byte[] secret) {
        NearbyMatcher.Builder b = NearbyMatcher.builder(locations, blocks, u -> true).noRateLimit()
                .distributed(secret != null);
        return (secret == null ? b : b.cursorSecret(secret)).build();
    }

    @Test
    void twoNodesWithTheSameSecretContinueEachOthersPagination() {
        Random rnd = new Random(5);
        locations.submit(me, LocationFix.precise(52.52, 13.405, 5, clock.instant()));
        for (int i = 0; i < 120; i++) { // few cells, so most users tie on bucket and score
            locations.submit(UserId.of("u" + i), LocationFix.precise(52.52 + (rnd.nextInt(5) - 2) * 0.001,
                    13.405 + (rnd.nextInt(5) - 2) * 0.001, 5, clock.instant()));
        }
        NearbyMatcher a = node(secret);
        NearbyMatcher b = node(secret.clone());
        List<UserId> whole = ids(a.nearby(NearbyQuery.of(me, 2_000, 100)));
        assertThat(ids(b.nearby(NearbyQuery.of(me, 2_000, 100)))).isEqualTo(whole);

        List<UserId> alternating = new ArrayList<>();
        NearbyQuery q = NearbyQuery.of(me, 2_000, 9);
        NearbyPage page = a.nearby(q);
        alternating.addAll(ids(page));
        for (int n = 1; page.next().isPresent(); n++) {
            page = (n % 2 == 1 ? b : a).nearby(q.after(page.next().get()));
            alternating.addAll(ids(page));
        }
        assertThat(alternating).hasSize(120);
        assertThat(alternating.subList(0, 100)).isEqualTo(whole);
    }

    @Test
    void withoutASharedSecretACursorIsValidOnItsOwnNodeOnly() {
        locations.submit(me, LocationFix.precise(52.52, 13.405, 5, clock.instant()));
        for (int i = 0; i < 5; i++) {
            locations.submit(UserId.of("u" + i), LocationFix.precise(52.521, 13.405, 5, clock.instant()));
        }
        NearbyMatcher a = node(null);
        NearbyMatcher b = node(null);
        String cursor = a.nearby(NearbyQuery.of(me, 2_000, 2)).next().orElseThrow();
        assertThat(a.nearby(NearbyQuery.of(me, 2_000, 2).after(cursor)).matches()).hasSize(2);
        assertThatThrownBy(() -> b.nearby(NearbyQuery.of(me, 2_000, 2).after(cursor)))
                .hasFieldOrPropertyWithValue("code", GeoErrorCodes.INVALID_CURSOR);
    }

    @Test
    void aDistributedMatcherWithoutASecretDoesNotBuild() {
        assertThatThrownBy(() -> NearbyMatcher.builder(locations, blocks, u -> true).distributed(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursorSecret");
    }

    static List<UserId> ids(NearbyPage page) {
        return page.matches().stream().map(NearbyMatch::user).toList();
    }
}
