package dev.vicinity.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundingBoxTest {

    @Test
    void containsEveryPointWithinTheRadiusAnywhereIncludingAntimeridianAndPoles() {
        Random rnd = new Random(21);
        for (int i = 0; i < 200_000; i++) {
            double lat = rnd.nextInt(10) == 0 ? (rnd.nextBoolean() ? 1 : -1) * (85 + rnd.nextDouble() * 5) : rnd.nextDouble() * 180 - 90;
            double lon = rnd.nextInt(5) == 0 ? (rnd.nextBoolean() ? 179.9 : -179.9) + rnd.nextDouble() * 0.1 - 0.05 : rnd.nextDouble() * 360 - 180;
            lon = Math.max(-180, Math.min(180, lon));
            GeoPoint c = GeoPoint.ofLatLon(lat, lon);
            double radius = Math.pow(10, 1 + rnd.nextDouble() * 5); // 10 m .. 1000 km
            BoundingBox box = BoundingBox.around(c, radius);
            // A point at a random bearing, at most the radius away (on the sphere).
            double d = radius * Math.sqrt(rnd.nextDouble()) / GeoDistance.EARTH_RADIUS_METERS;
            double brg = rnd.nextDouble() * 2 * Math.PI;
            double p1 = Math.toRadians(lat);
            double p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(brg));
            double l2 = Math.toRadians(lon) + Math.atan2(Math.sin(brg) * Math.sin(d) * Math.cos(p1),
                    Math.cos(d) - Math.sin(p1) * Math.sin(p2));
            double lonDeg = ((Math.toDegrees(l2) + 180) % 360 + 360) % 360 - 180;
            GeoPoint p = GeoPoint.ofLatLon(Math.max(-90, Math.min(90, Math.toDegrees(p2))), lonDeg);
            if (GeoDistance.meters(c, p) <= radius) {
                assertThat(box.contains(p)).as("box %s misses %s at %.3f m (radius %.3f) from %s", box, p,
                        GeoDistance.meters(c, p), radius, c).isTrue();
            }
        }
    }

    @Test
    void isTightAwayFromThePoles() {
        BoundingBox box = BoundingBox.around(GeoPoint.ofLatLon(52.52, 13.405), 5_000);
        assertThat(box.maxLat() - box.minLat()).isCloseTo(2 * 5_000 / GeoDistance.METERS_PER_DEGREE,
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(box.crossesAntimeridian()).isFalse();
        assertThat(box.contains(52.52, 13.405 + 0.08)).isFalse(); // ~5.4 km east
    }

    @Test
    void wrapsAcrossTheAntimeridianAndCoversAllLongitudesAtAPole() {
        BoundingBox wrap = BoundingBox.around(GeoPoint.ofLatLon(0, 179.99), 5_000);
        assertThat(wrap.crossesAntimeridian()).isTrue();
        assertThat(wrap.contains(0, -179.99)).isTrue();
        assertThat(wrap.contains(0, 0)).isFalse();
        BoundingBox pole = BoundingBox.around(GeoPoint.ofLatLon(89.99, 0), 5_000);
        assertThat(pole.allLongitudes()).isTrue();
        assertThat(pole.contains(89.99, 180 - 1e-9)).isTrue();
    }
}
