package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityException;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.geo.DistanceBuckets;
import dev.vicinity.geo.GeoErrorCodes;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatch;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Matching on the in-memory adapters: filters, ranking, pagination, rate limit, listener. */
class GeoNearbyMatcherTest {
    final MutableClock clock = new MutableClock();
    final InMemoryLocationStore store = new InMemoryLocationStore();
    final InMemoryProximityIndex index = new InMemoryProximityIndex();
    final InMemoryBlockList blocks = new InMemoryBlockList();
    final LocationService locations = LocationService.builder(store, index).clock(clock).build();
    final Set<UserId> offline = ConcurrentHashMap.newKeySet();
    final Map<UserId, Double> scores = new ConcurrentHashMap<>();
    final List<String> events = new ArrayList<>();
    final NearbyMatcher matcher = NearbyMatcher.builder(locations, blocks, u -> !offline.contains(u))
            .scoreProvider(u -> scores.getOrDefault(u, 0.0))
            .buckets(DistanceBuckets.ofUpperEdgesMeters(1_000, 2_000, 3_000, 5_000, 10_000, 20_000, 50_000, 100_000))
            .cursorSecret("0123456789abcdef0123456789abcdef".getBytes())
            .rateLimit(1000, Duration.ofMinutes(1))
            .listener(new VicinityListener() {
                @Override
                public void onNearbyQuery(UserId querier, int results, long latencyNanos) {
                    events.add("query " + querier + " " + results + (latencyNanos >= 0 ? "" : " negative"));
                }
            })
            .build();
    final UserId me = UserId.of("me");

    UserId at(String name, double northMeters) {
        UserId u = UserId.of(name);
        locations.submit(u, LocationFix.precise(52.52 + northMeters / 111_195.0, 13.405, 5, clock.instant()));
        return u;
    }

    List<UserId> ids(NearbyPage page) {
        return page.matches().stream().map(NearbyMatch::user).toList();
    }

    @Test
    void excludesSelfBlockedBothWaysOfflineAndTheHostPredicate() {
        at("me", 0);
        UserId a = at("a", 300);
        UserId blockedByMe = at("blockedByMe", 400);
        UserId blocksMe = at("blocksMe", 500);
        UserId off = at("off", 600);
        UserId rejected = at("rejected", 700);
        blocks.block(me, blockedByMe);
        blocks.block(blocksMe, me);
        offline.add(off);
        NearbyQuery q = NearbyQuery.of(me, 5_000, 50).filtered((querier, c) -> !c.equals(rejected));
        assertThat(ids(matcher.nearby(q))).containsExactly(a);
        NearbyPage withOffline = matcher.nearby(q.withOffline());
        assertThat(ids(withOffline)).containsExactlyInAnyOrder(a, off);
        assertThat(withOffline.matches()).allSatisfy(m -> assertThat(m.online()).isEqualTo(!m.user().equals(off)));
        assertThat(matcher.nearby(q).matches()).allSatisfy(m -> assertThat(m.online()).isTrue());
        assertThat(events).contains("query me 1");
    }

    @Test
    void ranksByBucketThenScoreThenAStableTieBreak() {
        at("me", 0);
        UserId nearLow = at("nearLow", 300);
        UserId nearHigh = at("nearHigh", 600);
        UserId farTop = at("farTop", 1_500); // bucket 1-2 km
        scores.put(nearLow, 1.0);
        scores.put(nearHigh, 4.5);
        scores.put(farTop, 5.0);
        List<UserId> ties = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ties.add(at("tie" + i, 2_500)); // bucket 2-3 km, all score 0, same cell
        }
        NearbyPage page = matcher.nearby(NearbyQuery.of(me, 5_000, 50));
        List<UserId> got = ids(page);
        assertThat(got.subList(0, 3)).containsExactly(nearHigh, nearLow, farTop);
        assertThat(page.matches().get(0).distance().label()).isEqualTo("< 1 km");
        assertThat(page.matches().get(2).distance().label()).isEqualTo("1-2 km");
        assertThat(page.matches().subList(0, 3)).extracting(NearbyMatch::score).containsExactly(4.5, 1.0, 5.0);
        assertThat(page.matches().get(3).score()).isEqualTo(0.0);
        assertThat(got.subList(3, 13)).containsExactlyInAnyOrderElementsOf(ties);
        assertThat(ids(matcher.nearby(NearbyQuery.of(me, 5_000, 50)))).isEqualTo(got); // stable
    }

    @Test
    void paginatesWithOpaqueCursorsThatOnlyTheirQuerierCanUse() {
        at("me", 0);
        UserId other = at("other", 50);
        for (int i = 0; i < 25; i++) {
            at("u" + i, 100 + i * 150);
        }
        NearbyPage all = matcher.nearby(NearbyQuery.of(me, 5_000, 100));
        List<UserId> paged = new ArrayList<>();
        NearbyQuery q = NearbyQuery.of(me, 5_000, 7);
        NearbyPage page = matcher.nearby(q);
        paged.addAll(ids(page));
        String firstCursor = page.nextCursor();
        while (page.nextCursor() != null) {
            page = matcher.nearby(q.after(page.nextCursor()));
            paged.addAll(ids(page));
        }
        assertThat(paged).isEqualTo(ids(all));
        assertThat(new HashSet<>(paged)).hasSize(26);
        assertThat(firstCursor).doesNotContain("52.").doesNotContain("13.");

        assertInvalidCursor(() -> matcher.nearby(NearbyQuery.of(other, 5_000, 7).after(firstCursor)));
        // Radii snap up to bucket edges: 4 km is the 5 km query (same cursor), 3 km is another one.
        assertThat(matcher.nearby(NearbyQuery.of(me, 4_000, 7).after(firstCursor)).matches()).isNotEmpty();
        assertInvalidCursor(() -> matcher.nearby(NearbyQuery.of(me, 3_000, 7).after(firstCursor)));
        char[] c = firstCursor.toCharArray();
        c[3] = c[3] == 'A' ? 'B' : 'A';
        assertInvalidCursor(() -> matcher.nearby(q.after(new String(c))));
        assertInvalidCursor(() -> matcher.nearby(q.after("not a cursor")));
        clock.advance(Duration.ofMinutes(11));
        locations.submit(me, LocationFix.precise(52.52, 13.405, 5, clock.instant()));
        assertInvalidCursor(() -> matcher.nearby(q.after(firstCursor))); // expired
    }

    private static void assertInvalidCursor(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOf(VicinityException.class)
                .hasFieldOrPropertyWithValue("code", GeoErrorCodes.INVALID_CURSOR);
    }

    @Test
    void rateLimitsEachUsersQueries() {
        NearbyMatcher limited = NearbyMatcher.builder(locations, blocks, u -> true)
                .rateLimit(3, Duration.ofMinutes(1)).build();
        at("me", 0);
        UserId other = at("other", 100);
        for (int i = 0; i < 3; i++) {
            limited.nearby(NearbyQuery.of(me, 1_000, 10));
        }
        assertThatThrownBy(() -> limited.nearby(NearbyQuery.of(me, 1_000, 10)))
                .isInstanceOf(RateLimitedException.class)
                .hasFieldOrPropertyWithValue("code", ErrorCodes.RATE_LIMITED);
        assertThat(limited.nearby(NearbyQuery.of(other, 1_000, 10)).matches()).hasSize(1); // per user
        clock.advance(Duration.ofSeconds(20));
        assertThat(limited.nearby(NearbyQuery.of(me, 1_000, 10)).matches()).hasSize(1);
    }

    @Test
    void rejectsBadRadiusAndLimit() {
        at("me", 0);
        for (NearbyQuery q : List.of(NearbyQuery.of(me, 0, 10), NearbyQuery.of(me, Double.NaN, 10),
                NearbyQuery.of(me, 1e9, 10), NearbyQuery.of(me, 1_000, 0), NearbyQuery.of(me, 1_000, 10_000))) {
            assertThatThrownBy(() -> matcher.nearby(q)).isInstanceOf(VicinityException.class)
                    .hasFieldOrPropertyWithValue("code", ErrorCodes.INVALID_ARGUMENT);
        }
    }
}
