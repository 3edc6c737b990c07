package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The compact slot layout of the in-memory index (24 bytes per user, see {@code ProximityCell}):
 * positions come back within 6 mm everywhere, and observation times come back to the millisecond
 * whatever their spread inside one cell (base moved, or whole times kept).
 */
class InMemoryProximityLayoutTest {

    @Test
    void positionsComeBackWithinSixMillimetresEverywhere() {
        SplittableRandom rnd = new SplittableRandom(5);
        InMemoryProximityIndex index = new InMemoryProximityIndex(250);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Map<UserId, GeoPoint> truth = new HashMap<>();
        double[][] fixed = {{90, 0}, {-90, 0}, {0, -180}, {0, 179.9999999}, {89.9999999, 123.4}, {0, 0}, {-0.0000001, 0.0000001}};
        for (int i = 0; i < fixed.length; i++) {
            truth.put(UserId.of("f" + i), GeoPoint.ofLatLon(fixed[i][0], fixed[i][1]));
        }
        for (int i = 0; i < 3_000; i++) {
            truth.put(UserId.of("r" + i), GeoPoint.ofLatLon(rnd.nextDouble() * 180 - 90, rnd.nextDouble() * 360 - 180));
        }
        truth.forEach((u, p) -> index.upsert(u, p, t));
        double worst = 0;
        for (Map.Entry<UserId, GeoPoint> e : truth.entrySet()) {
            List<Candidate> found = index.candidates(e.getValue(), 1, 10);
            Candidate c = found.stream().filter(x -> x.user().equals(e.getKey())).findFirst().orElseThrow();
            worst = Math.max(worst, GeoDistance.meters(c.point(), e.getValue()));
        }
        assertThat(worst).isLessThanOrEqualTo(0.006);
    }

    @Test
    void observationTimesComeBackToTheMillisecondWhateverTheirSpreadInOneCell() {
        InMemoryProximityIndex index = new InMemoryProximityIndex(250);
        GeoPoint p = GeoPoint.ofLatLon(52.52, 13.405);
        Instant t0 = Instant.parse("2026-01-01T00:00:00.001Z");
        Map<UserId, Instant> truth = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(9);
        // Within a few days, then out of reach of the base (it moves), then years apart (whole times).
        long[] spreads = {3L * 86_400_000, 40L * 86_400_000, 40L * 86_400_000, 3_650L * 86_400_000};
        int n = 0;
        for (long spread : spreads) {
            for (int i = 0; i < 50; i++, n++) {
                UserId u = UserId.of("t" + n);
                Instant at = t0.plusMillis((long) ((rnd.nextDouble() * 2 - 1) * spread));
                truth.put(u, at);
                index.upsert(u, p, at);
                if (rnd.nextInt(5) == 0) {
                    UserId other = UserId.of("t" + rnd.nextInt(n + 1));
                    if (truth.remove(other) != null) {
                        index.remove(other); // swap-removal moves another slot's time
                    }
                }
                assertTimes(index, p, truth);
            }
        }
        assertThat(index.occupiedCells()).isEqualTo(1);
    }

    private static void assertTimes(InMemoryProximityIndex index, GeoPoint p, Map<UserId, Instant> truth) {
        Map<UserId, Instant> got = new HashMap<>();
        for (Candidate c : index.candidates(p, 10, Integer.MAX_VALUE)) {
            got.put(c.user(), c.observedAt());
        }
        assertThat(got).isEqualTo(truth);
        Map<UserId, Instant> visited = new HashMap<>();
        index.forEachWithin(p, 10, (u, lat, lon, s, nano) -> visited.put(u, Instant.ofEpochSecond(s, nano)));
        assertThat(visited).isEqualTo(truth);
    }
}
