package dev.vicinity.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.sf.geographiclib.Geodesic;
import org.junit.jupiter.api.Test;

/**
 * The canonical haversine distance against an independent oracle, GeographicLib's WGS84 geodesic:
 * per pair within the spherical model's error (0.57 %), and as radius queries by brute force near
 * the antimeridian, near ±85° and at the radius edge: both select the same points except inside a
 * tolerance band of 0.7 % + 1 m around the radius.
 */
class GeoDistanceOracleTest {

    private static double geodesic(GeoPoint a, GeoPoint b) {
        return Geodesic.WGS84.Inverse(a.lat(), a.lon(), b.lat(), b.lon()).s12;
    }

    private static GeoPoint random(Random rnd, double lat, double lon, double dLat, double dLon) {
        double la = Math.max(-90, Math.min(90, lat + (rnd.nextDouble() * 2 - 1) * dLat));
        double lo = lon + (rnd.nextDouble() * 2 - 1) * dLon;
        lo = ((lo + 180) % 360 + 360) % 360 - 180;
        return GeoPoint.ofLatLon(la, lo);
    }

    @Test
    void haversineIsWithinTheSphericalModelErrorOfTheGeodesicEverywhere() {
        Random rnd = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            GeoPoint a = random(rnd, 0, 0, 90, 180);
            GeoPoint b = rnd.nextBoolean() ? random(rnd, 0, 0, 90, 180) : random(rnd, a.lat(), a.lon(), 0.5, 0.5);
            double g = geodesic(a, b);
            double h = GeoDistance.meters(a, b);
            if (g < 20_000_000) { // near-antipodal geodesics are ill-conditioned; compare the rest
                assertThat(Math.abs(h - g)).as("pair %s %s", a, b).isLessThanOrEqualTo(0.0057 * g + 0.01);
            }
        }
    }

    @Test
    void radiusQueriesAgreeWithTheOracleOutsideTheEdgeBand() {
        record Scenario(double lat, double lon, double dLat, double dLon, double radius) {}
        List<Scenario> scenarios = List.of(
                new Scenario(52.52, 13.405, 0.1, 0.15, 5_000),
                new Scenario(0.0, 180.0, 0.05, 0.1, 3_000),       // antimeridian
                new Scenario(-16.0, -179.99, 0.02, 0.05, 1_000),  // antimeridian, small radius
                new Scenario(85.0, 20.0, 0.1, 1.2, 8_000),        // near +85
                new Scenario(-85.0, -100.0, 0.1, 1.2, 8_000));    // near -85
        Random rnd = new Random(12);
        int compared = 0;
        int inBand = 0;
        for (Scenario s : scenarios) {
            List<GeoPoint> points = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                points.add(random(rnd, s.lat(), s.lon(), s.dLat(), s.dLon()));
            }
            for (int q = 0; q < 30; q++) {
                GeoPoint c = random(rnd, s.lat(), s.lon(), s.dLat() / 2, s.dLon() / 2);
                double r = s.radius();
                double band = 0.007 * r + 1;
                for (GeoPoint p : points) {
                    double g = geodesic(c, p);
                    boolean byHaversine = GeoDistance.meters(c, p) <= r;
                    if (Math.abs(g - r) <= band) {
                        inBand++;
                        continue; // the only place where the two may disagree
                    }
                    compared++;
                    assertThat(byHaversine).as("point at geodesic %.1f m, radius %.0f", g, r).isEqualTo(g <= r);
                }
            }
        }
        assertThat(compared).isGreaterThan(100_000);
        assertThat(inBand).as("the band is thin").isLessThan(compared / 10);
    }
}
