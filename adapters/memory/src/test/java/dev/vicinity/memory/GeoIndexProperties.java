package dev.vicinity.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * After any sequence of upserts, moves and removals, the in-memory index answers exactly like a brute
 * force over the canonical distance (outside the 0.7 % + 1 m band at the radius edge and at the
 * k-th distance), for regions in a city, across the antimeridian and near the poles.
 */
class GeoIndexProperties {
    record Op(int user, boolean remove, double lat, double lon) {}

    record Region(double lat, double lon, double dLat, double dLon) {}

    @Provide
    Arbitrary<Region> regions() {
        return Arbitraries.of(new Region(52.52, 13.405, 0.05, 0.08), new Region(0.0, 179.99, 0.05, 0.05),
                new Region(-84.9, 30.0, 0.05, 1.0), new Region(89.9, 0.0, 0.05, 180.0));
    }

    @Provide
    Arbitrary<List<double[]>> ops() {
        Arbitrary<double[]> op = Combinators.combine(Arbitraries.integers().between(0, 59),
                Arbitraries.integers().between(0, 5), Arbitraries.doubles().between(-1, 1),
                Arbitraries.doubles().between(-1, 1)).as((u, kind, a, b) -> new double[] {u, kind, a, b});
        return op.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 150)
    void indexEqualsBruteForceAfterRandomOperations(@ForAll("regions") Region region, @ForAll("ops") List<double[]> ops,
                                                    @ForAll @IntRange(min = 1, max = 40) int limit,
                                                    @ForAll @IntRange(min = 50, max = 8_000) int radius,
                                                    @ForAll @IntRange(min = 20, max = 400) int cellMeters) {
        InMemoryProximityIndex index = new InMemoryProximityIndex(cellMeters);
        Map<UserId, GeoPoint> truth = new HashMap<>();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (double[] o : ops) {
            UserId u = UserId.of("u" + (int) o[0]);
            if (o[1] == 0) {
                assertThat(index.remove(u)).isEqualTo(truth.remove(u) != null);
            } else {
                GeoPoint p = point(region, o[2], o[3]);
                index.upsert(u, p, t);
                truth.put(u, p);
            }
        }
        assertThat(index.size()).isEqualTo(truth.size());
        GeoPoint c = point(region, ops.get(0)[3], ops.get(0)[2]);
        List<Candidate> got = index.candidates(c, radius, limit);
        double tol = 0.007 * radius + 1;
        double last = 0;
        for (Candidate cand : got) {
            double d = GeoDistance.meters(c, truth.get(cand.user()));
            assertThat(d).isLessThanOrEqualTo(radius + tol).isGreaterThanOrEqualTo(last - 0.01);
            last = d;
        }
        double cutoff = got.size() < limit ? radius - tol : last - (0.007 * last + 1);
        long expectedAtLeast = truth.values().stream().filter(p -> GeoDistance.meters(c, p) <= radius - tol).count();
        assertThat(got.size()).isGreaterThanOrEqualTo((int) Math.min(limit, expectedAtLeast));
        for (Map.Entry<UserId, GeoPoint> e : truth.entrySet()) {
            if (GeoDistance.meters(c, e.getValue()) < cutoff) {
                assertThat(got).extracting(Candidate::user).contains(e.getKey());
            }
        }
    }

    private static GeoPoint point(Region r, double a, double b) {
        double lat = Math.max(-90, Math.min(90, r.lat() + a * r.dLat()));
        double lon = r.lon() + b * r.dLon();
        lon = ((lon + 180) % 360 + 360) % 360 - 180;
        return GeoPoint.ofLatLon(lat, lon);
    }
}
