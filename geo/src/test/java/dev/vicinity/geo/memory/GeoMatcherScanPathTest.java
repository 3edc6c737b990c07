package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.core.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The matcher gives the same pages whether the index scans a bucket with its own
 * {@code forEachWithin} (the in-memory override) or with the SPI's default built on
 * {@code candidates}: the fast path changes no result, ranking, cursor or exclusion.
 */
class GeoMatcherScanPathTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

    /** Only the abstract methods, so {@code forEachWithin} is the SPI default. */
    record DefaultScan(ProximityIndex delegate) implements ProximityIndex {
        @Override
        public void upsert(UserId user, GeoPoint point, Instant observedAt) {
            delegate.upsert(user, point, observedAt);
        }

        @Override
        public boolean remove(UserId user) {
            return delegate.remove(user);
        }

        @Override
        public List<Candidate> candidates(GeoPoint center, double radiusMeters, int limit) {
            return delegate.candidates(center, radiusMeters, limit);
        }

        @Override
        public int size() {
            return delegate.size();
        }
    }

    @Test
    void samePagesThroughTheOverrideAndTheDefaultScan() {
        MutableClock clock = new MutableClock();
        LocationService fast = LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex(250))
                .clock(clock).build();
        LocationService slow = LocationService.builder(new InMemoryLocationStore(),
                new DefaultScan(new InMemoryProximityIndex(250))).clock(clock).build();
        InMemoryBlockList blocks = new InMemoryBlockList();
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 2_500;
        UserId[] ids = new UserId[n];
        for (int i = 0; i < n; i++) {
            ids[i] = UserId.of("p" + i);
            // Dense core (more than a page inside the first bucket) plus a sparse ring out to 8 km.
            double spread = i < 1_500 ? 0.012 : 0.07;
            LocationFix fix = LocationFix.precise(52.52 + (rnd.nextDouble() * 2 - 1) * spread,
                    13.405 + (rnd.nextDouble() * 2 - 1) * spread * 1.6, 10, clock.instant());
            fast.submit(ids[i], fix);
            slow.submit(ids[i], fix);
            if (i % 3 == 0) {
                clock.advance(Duration.ofSeconds(1));
            }
        }
        for (int i = 0; i < n; i += 50) {
            blocks.block(ids[i], ids[(i + 11) % n]);
            blocks.block(ids[(i + 23) % n], ids[i]);
        }
        NearbyMatcher a = matcher(fast, blocks, clock);
        NearbyMatcher b = matcher(slow, blocks, clock);
        for (int q = 0; q < 60; q++) {
            UserId querier = ids[rnd.nextInt(n)];
            double radius = new double[] {300, 1_000, 2_500, 8_000}[q % 4];
            NearbyQuery query = NearbyQuery.of(querier, radius, 1 + rnd.nextInt(40));
            if (q % 5 == 0) {
                query = query.withOffline();
            }
            for (int page = 0; page < 3; page++) {
                NearbyPage pa = a.nearby(query);
                NearbyPage pb = b.nearby(query);
                assertThat(pa).isEqualTo(pb);
                if (pa.nextCursor() == null) {
                    break;
                }
                query = query.after(pa.nextCursor());
            }
        }
    }

    private static NearbyMatcher matcher(LocationService locations, InMemoryBlockList blocks, MutableClock clock) {
        return NearbyMatcher.builder(locations, blocks, u -> (u.hashCode() & 7) != 0)
                .scoreProvider(u -> (u.hashCode() >>> 3) % 4)
                .filter((q, c) -> (c.hashCode() % 13) != 5)
                .cursorSecret(SECRET)
                .noRateLimit()
                .clock(clock)
                .build();
    }
}
