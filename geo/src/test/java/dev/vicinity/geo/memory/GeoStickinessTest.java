package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoGrid;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.IngestResult;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.MutableClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sticky public cells (hysteresis and dwell), the bounded delay of real movement, and the update rate limit. */
class GeoStickinessTest {
    static final double M = GeoDistance.METERS_PER_DEGREE;
    final MutableClock clock = new MutableClock();
    final UserId alice = UserId.of("alice");

    LocationService service(LocationService.Builder b) {
        return b.clock(clock).build();
    }

    LocationService.Builder builder() {
        return LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex()).clock(clock)
                .noUpdateRateLimit();
    }

    /** A point of the cell around (52.52, 13.405): its south-west corner moved by (north, east) metres. */
    static GeoPoint nearCorner(GeoGrid grid, double north, double east) {
        long key = grid.cellKey(52.52, 13.405);
        int row = GeoGrid.rowOf(key);
        double west = -180 + GeoGrid.columnOf(key) * 360.0 / grid.columns(row);
        double south = grid.rowMinLat(row);
        return GeoPoint.ofLatLon(south + north / M, west + east / M / Math.cos(Math.toRadians(south)));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void gpsNoiseAroundACornerNeverFlipsThePublicCell(long seed) {
        LocationService s = service(builder());
        Random rnd = new Random(seed);
        GeoPoint truth = nearCorner(s.grid(), 3, 3);
        Set<GeoPoint> shown = new HashSet<>();
        for (int i = 0; i < 720; i++) { // an hour of fixes every 5 s, sigma 20 m
            clock.advance(Duration.ofSeconds(5));
            s.submit(alice, LocationFix.precise(truth.lat() + rnd.nextGaussian() * 20 / M,
                    truth.lon() + rnd.nextGaussian() * 20 / M / Math.cos(Math.toRadians(truth.lat())), 20, clock.instant()));
            shown.add(s.location(alice).orElseThrow().cell());
        }
        assertThat(shown).as("seed %d", seed).hasSize(1);
        assertThat(s.location(alice).orElseThrow().observedAt()).isEqualTo(clock.instant()); // stays fresh
    }

    @Test
    void withoutStickinessTheSameNoiseFlipsTheCell() {
        LocationService s = service(builder().stickinessMeters(0).minCellDwell(Duration.ZERO));
        Random rnd = new Random(1);
        GeoPoint truth = nearCorner(s.grid(), 3, 3);
        Set<GeoPoint> shown = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofSeconds(5));
            s.submit(alice, LocationFix.precise(truth.lat() + rnd.nextGaussian() * 20 / M, truth.lon(), 20, clock.instant()));
            shown.add(s.location(alice).orElseThrow().cell());
        }
        assertThat(shown).hasSizeGreaterThan(1);
    }

    @Test
    void realMovementShowsWithinTheDocumentedDelay() {
        // Walking east at 1.5 m/s, a fix every 5 s: the public cell follows within margin / speed + dwell.
        LocationService s = service(builder());
        GeoGrid grid = s.grid();
        double speed = 1.5;
        double margin = grid.cellMeters() / 2;
        long bound = (long) Math.ceil(margin / speed) + 30 + 5;
        GeoPoint start = nearCorner(grid, 125, 10);
        double east = 0;
        long maxLag = 0;
        long since = -1; // seconds since the true position entered a cell other than the shown one
        for (int t = 0; t <= 3_600; t += 5) {
            GeoPoint p = GeoPoint.ofLatLon(start.lat(), start.lon() + east / M / Math.cos(Math.toRadians(start.lat())));
            s.submit(alice, LocationFix.precise(p.lat(), p.lon(), 5, clock.instant()));
            boolean lagging = !grid.snap(p).equals(s.location(alice).orElseThrow().cell());
            since = lagging ? (since < 0 ? 0 : since + 5) : -1;
            maxLag = Math.max(maxLag, since);
            clock.advance(Duration.ofSeconds(5));
            east += speed * 5;
        }
        assertThat(maxLag).as("longest time the shown cell lagged (s)").isPositive().isLessThanOrEqualTo(bound);
    }

    @Test
    void theDwellHoldsBackASecondChangeAndAManualPlaceIsShownAtOnce() {
        LocationService s = service(builder());
        GeoPoint a = GeoPoint.ofLatLon(52.52, 13.405);
        s.submit(alice, LocationFix.precise(a.lat(), a.lon(), 5, clock.instant()));
        GeoPoint first = s.location(alice).orElseThrow().cell();
        clock.advance(Duration.ofSeconds(10));
        s.submit(alice, LocationFix.precise(a.lat() + 2_000 / M, a.lon(), 5, clock.instant()));
        assertThat(s.location(alice).orElseThrow().cell()).as("within the dwell").isEqualTo(first);
        clock.advance(Duration.ofSeconds(21));
        s.submit(alice, LocationFix.precise(a.lat() + 2_000 / M, a.lon(), 5, clock.instant()));
        GeoPoint moved = s.location(alice).orElseThrow().cell();
        assertThat(moved).isEqualTo(s.grid().snap(GeoPoint.ofLatLon(a.lat() + 2_000 / M, a.lon())));
        clock.advance(Duration.ofSeconds(1));
        s.submit(alice, LocationFix.manual(48.8566, 2.3522, clock.instant()));
        assertThat(s.location(alice).orElseThrow().cell()).isEqualTo(s.grid().snap(GeoPoint.ofLatLon(48.8566, 2.3522)));
    }

    @Test
    void locationUpdatesAreRateLimitedPerUserAndTheLimitCanBeShared() {
        LocalRateLimitStore shared = new LocalRateLimitStore();
        LocationService nodeA = LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex())
                .clock(clock).rateLimitStore(shared).updateRateLimit(4, Duration.ofMinutes(1)).build();
        LocationService nodeB = LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex())
                .clock(clock).rateLimitStore(shared).updateRateLimit(4, Duration.ofMinutes(1)).build();
        for (int i = 0; i < 2; i++) {
            nodeA.submit(alice, LocationFix.precise(52.52, 13.405, 5, clock.instant()));
            nodeB.submit(alice, LocationFix.precise(52.52, 13.405, 5, clock.instant()));
        }
        assertThatThrownBy(() -> nodeB.submit(alice, LocationFix.precise(52.52, 13.405, 5, clock.instant())))
                .isInstanceOf(RateLimitedException.class).hasFieldOrPropertyWithValue("code", ErrorCodes.RATE_LIMITED)
                .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter()).isEqualTo(Duration.ofSeconds(15)));
        nodeA.submit(UserId.of("bob"), LocationFix.precise(52.52, 13.405, 5, clock.instant())); // per user
        // Withdrawing the location is never rate-limited: over the limit, alice still stops being discoverable.
        assertThat(nodeA.submit(alice, LocationFix.denied(clock.instant()))).isInstanceOf(IngestResult.Denied.class);
        assertThat(nodeA.publicLocation(alice)).isEmpty();
        clock.advance(Duration.ofSeconds(15));
        nodeA.submit(alice, LocationFix.precise(52.52, 13.405, 5, clock.instant()));
    }
}
