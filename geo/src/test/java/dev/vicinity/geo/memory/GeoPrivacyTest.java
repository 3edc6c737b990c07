package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.DistanceBuckets;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoGrid;
import dev.vicinity.geo.GeoPoint;
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
 * Privacy against trilateration, as in the published attacks on dating apps: an attacker with many
 * accounts places itself at chosen positions (manual places, exempt from the speed check), queries,
 * and records the victim's distance bucket; then it keeps every victim position consistent with all
 * observations. Because positions are snapped to the grid, two victim positions in one cell give
 * identical transcripts, so the attacker's estimate is at best the cell, and for a victim near a
 * cell corner it is off by more than half a cell.
 */
class GeoPrivacyTest {
    static final double CELL = 250;
    static final double M_PER_DEG = GeoDistance.METERS_PER_DEGREE;
    static final double COS = Math.cos(Math.toRadians(52.52));

    /** A fresh world with the victim at (lat, lon) and some bystanders; returns the attacker's transcript. */
    static List<String> attack(double victimLat, double victimLon) {
        MutableClock clock = new MutableClock();
        LocationService locations = LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex())
                .clock(clock).cellMeters(CELL).build();
        NearbyMatcher matcher = NearbyMatcher.builder(locations, new InMemoryBlockList(), u -> true)
                .noRateLimit().cursorSecret(new byte[32]).build();
        UserId victim = UserId.of("victim");
        locations.submit(victim, LocationFix.precise(victimLat, victimLon, 3, clock.instant()));
        List<String> transcript = new ArrayList<>();
        int account = 0;
        for (int i = -12; i <= 12; i++) {
            for (int j = -12; j <= 12; j++) {
                UserId attacker = UserId.of("attacker" + account++);
                double lat = 52.52 + i * 130 / M_PER_DEG;          // deliberately not a cell multiple
                double lon = 13.405 + j * 130 / M_PER_DEG / COS;
                locations.submit(attacker, LocationFix.manual(lat, lon, clock.instant()));
                NearbyPage page = matcher.nearby(NearbyQuery.of(attacker, 5_000, 100));
                String seen = page.matches().stream().filter(m -> m.user().equals(victim))
                        .map(m -> m.distance().label()).findFirst().orElse("absent");
                transcript.add(i + "," + j + "=" + seen + "@" + page.matches().indexOf(
                        page.matches().stream().filter(m -> m.user().equals(victim)).findFirst().orElse(null)));
                locations.forget(attacker);
            }
        }
        return transcript;
    }

    /** The attacker's best estimate: the centroid of all positions consistent with the transcript. */
    static GeoPoint estimate(List<String> transcript) {
        GeoGrid grid = GeoGrid.withCellSize(CELL);
        DistanceBuckets buckets = DistanceBuckets.defaults();
        double sumLat = 0;
        double sumLon = 0;
        int n = 0;
        for (int a = -100; a <= 100; a++) {
            for (int b = -100; b <= 100; b++) {
                GeoPoint x = GeoPoint.ofLatLon(52.52 + a * 15 / M_PER_DEG, 13.405 + b * 15 / M_PER_DEG / COS);
                GeoPoint xs = grid.snap(x);
                boolean ok = true;
                for (String t : transcript) {
                    String[] parts = t.split("[,=@]");
                    int i = Integer.parseInt(parts[0]);
                    int j = Integer.parseInt(parts[1]);
                    GeoPoint p = grid.snap(GeoPoint.ofLatLon(52.52 + i * 130 / M_PER_DEG, 13.405 + j * 130 / M_PER_DEG / COS));
                    int bucket = buckets.indexOf(GeoDistance.meters(p, xs));
                    String label = bucket < 0 ? "absent" : buckets.get(bucket).label();
                    if (!label.equals(parts[2])) {
                        ok = false;
                        break;
                    }
                }
                if (ok) {
                    sumLat += x.lat();
                    sumLon += x.lon();
                    n++;
                }
            }
        }
        assertThat(n).as("the true position is always consistent").isPositive();
        return GeoPoint.ofLatLon(sumLat / n, sumLon / n);
    }

    @Test
    void twoVictimPositionsInOneCellGiveIdenticalTranscriptsSoTheAttackerCannotBeatHalfACell() {
        GeoGrid grid = GeoGrid.withCellSize(CELL);
        long key = grid.cellKey(52.52 + 700 / M_PER_DEG, 13.405 + 300 / M_PER_DEG / COS);
        int row = GeoGrid.rowOf(key);
        int col = GeoGrid.columnOf(key);
        double width = 360.0 / grid.columns(row);
        double south = grid.rowMinLat(row);
        double north = grid.rowMaxLat(row);
        double west = -180 + col * width;
        // Opposite corners of the same cell, 5 % inside.
        double aLat = south + 0.05 * (north - south);
        double aLon = west + 0.05 * width;
        double bLat = north - 0.05 * (north - south);
        double bLon = west + 0.95 * width;
        assertThat(grid.cellKey(aLat, aLon)).isEqualTo(key);
        assertThat(grid.cellKey(bLat, bLon)).isEqualTo(key);

        List<String> ta = attack(aLat, aLon);
        List<String> tb = attack(bLat, bLon);
        assertThat(ta).isEqualTo(tb);
        String nearest = DistanceBuckets.defaults().get(0).label();
        assertThat(ta).anyMatch(s -> s.contains(nearest)).anyMatch(s -> !s.contains(nearest)); // the attack saw something

        GeoPoint guess = estimate(ta);
        double errA = GeoDistance.meters(guess, GeoPoint.ofLatLon(aLat, aLon));
        double errB = GeoDistance.meters(guess, GeoPoint.ofLatLon(bLat, bLon));
        assertThat(Math.max(errA, errB)).as("best estimate error").isGreaterThanOrEqualTo(CELL / 2);
        assertThat(Math.min(errA, errB)).as("a victim near a corner is not located within half a cell").isGreaterThanOrEqualTo(CELL / 2 * 0.9);
    }

    @Test
    void aQuerierMovingWithinItsCellSeesIdenticalResults() {
        MutableClock clock = new MutableClock();
        LocationService locations = LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex())
                .clock(clock).cellMeters(CELL).build();
        NearbyMatcher matcher = NearbyMatcher.builder(locations, new InMemoryBlockList(), u -> true)
                .noRateLimit().cursorSecret(new byte[32]).build();
        Random rnd = new Random(41);
        for (int i = 0; i < 500; i++) {
            locations.submit(UserId.of("u" + i), LocationFix.precise(52.52 + (rnd.nextDouble() - 0.5) * 0.06,
                    13.405 + (rnd.nextDouble() - 0.5) * 0.1, 5, clock.instant()));
        }
        UserId q = UserId.of("querier");
        GeoGrid grid = locations.grid();
        GeoPoint cell = grid.snap(GeoPoint.ofLatLon(52.52, 13.405));
        List<List<NearbyMatch>> seen = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            double lat = cell.lat() + (rnd.nextDouble() - 0.5) * 0.9 * grid.cellDegrees();
            double lon = cell.lon() + (rnd.nextDouble() - 0.5) * 0.9 * 360.0 / grid.columns(grid.row(cell.lat()));
            assertThat(grid.snap(GeoPoint.ofLatLon(lat, lon))).isEqualTo(cell);
            clock.advance(java.time.Duration.ofSeconds(1));
            locations.submit(q, LocationFix.precise(lat, lon, 5, clock.instant()));
            seen.add(matcher.nearby(NearbyQuery.of(q, 3_000, 100)).matches());
        }
        assertThat(seen.get(0)).hasSize(100);
        assertThat(seen).allMatch(l -> l.equals(seen.get(0)));
    }
}
