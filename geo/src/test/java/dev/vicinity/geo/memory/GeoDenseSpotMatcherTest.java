package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatch;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.spi.CandidateVisitor;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.core.MutableClock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A querier on a spot of 5,000 users: the matcher reads at most maxBucketScan of them (through one
 * bounded index call, not a scan of the whole bucket), pages stay consistent, and radii snap to edges.
 */
class GeoDenseSpotMatcherTest {
    final MutableClock clock = new MutableClock();
    final AtomicInteger visited = new AtomicInteger();
    final InMemoryProximityIndex memory = new InMemoryProximityIndex();
    /** Counts the users an index call hands out. */
    final dev.vicinity.geo.spi.ProximityIndex counting = new dev.vicinity.geo.spi.ProximityIndex() {
        @Override
        public void upsert(UserId user, GeoPoint point, java.time.Instant observedAt) {
            memory.upsert(user, point, observedAt);
        }

        @Override
        public boolean remove(UserId user) {
            return memory.remove(user);
        }

        @Override
        public List<Candidate> candidates(GeoPoint center, double radiusMeters, int limit) {
            List<Candidate> c = memory.candidates(center, radiusMeters, limit);
            visited.addAndGet(c.size());
            return c;
        }

        @Override
        public void forEachWithin(GeoPoint center, double radiusMeters, CandidateVisitor visitor) {
            memory.forEachWithin(center, radiusMeters, (u, lat, lon, s, n) -> {
                visited.incrementAndGet();
                visitor.visit(u, lat, lon, s, n);
            });
        }

        @Override
        public int size() {
            return memory.size();
        }
    };
    final LocationService locations = LocationService.builder(new InMemoryLocationStore(), counting).clock(clock)
            .noUpdateRateLimit().build();
    final NearbyMatcher matcher = NearbyMatcher.builder(locations, new InMemoryBlockList(), u -> true).noRateLimit()
            .cursorSecret(new byte[32]).scoreProvider(u -> (u.hashCode() & 7)).build();

    @Test
    void aQueryOnADenseSpotReadsABoundedNumberOfUsers() {
        for (int i = 0; i < 5_000; i++) {
            locations.submit(UserId.of("d" + i), LocationFix.manual(52.5, 13.38, clock.instant()));
        }
        UserId me = UserId.of("me");
        locations.submit(me, LocationFix.manual(52.5, 13.38, clock.instant()));
        visited.set(0);
        NearbyQuery q = NearbyQuery.of(me, 5_000, 50);
        NearbyPage first = matcher.nearby(q);
        assertThat(first.matches()).hasSize(50).allMatch(m -> m.distance().index() == 0);
        assertThat(visited.get()).as("users read for one page").isLessThanOrEqualTo(1_000 + 4 * 51); // the first fetch (4 x (page + 1)) and one bounded read
        // Pages continue without repeats, ranked by score (7 highest) inside the bucket.
        Set<UserId> seen = new HashSet<>();
        NearbyPage page = first;
        int pages = 0;
        while (true) {
            page.matches().stream().map(NearbyMatch::user).forEach(u -> assertThat(seen.add(u)).isTrue());
            if (page.next().isEmpty() || ++pages == 5) {
                break;
            }
            page = matcher.nearby(q.after(page.next().get()));
        }
        assertThat(first.matches()).allMatch(m -> m.score() == 7.0);
        // 3 km and 4,999 m are the 3 km and 5 km queries.
        assertThat(matcher.nearby(NearbyQuery.of(me, 2_001, 50)).matches())
                .isEqualTo(matcher.nearby(NearbyQuery.of(me, 3_000, 50)).matches());
    }
}
