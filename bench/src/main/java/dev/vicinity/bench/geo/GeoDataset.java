package dev.vicinity.bench.geo;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import java.util.SplittableRandom;

/**
 * The benchmark city of issue 3: users uniformly in a 40 km x 40 km box centred on (52.52, 13.405),
 * generated from a fixed seed so every run (and every peer) sees the same data.
 */
final class GeoDataset {
    static final double CENTER_LAT = 52.52;
    static final double CENTER_LON = 13.405;
    static final double HALF_SIDE_METERS = 20_000;
    static final double HALF_LAT = HALF_SIDE_METERS / GeoDistance.METERS_PER_DEGREE;
    static final double HALF_LON = HALF_LAT / Math.cos(Math.toRadians(CENTER_LAT));

    final UserId[] users;
    final double[] lat;
    final double[] lon;

    GeoDataset(int n, long seed) {
        users = new UserId[n];
        lat = new double[n];
        lon = new double[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            users[i] = UserId.of("u" + i);
            lat[i] = CENTER_LAT + (rnd.nextDouble() * 2 - 1) * HALF_LAT;
            lon[i] = CENTER_LON + (rnd.nextDouble() * 2 - 1) * HALF_LON;
        }
    }

    GeoPoint point(int i) {
        return GeoPoint.ofLatLon(lat[i], lon[i]);
    }

    /** {@code n} random query points inside the box. */
    static GeoPoint[] queryPoints(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        GeoPoint[] out = new GeoPoint[n];
        for (int i = 0; i < n; i++) {
            out[i] = GeoPoint.ofLatLon(CENTER_LAT + (rnd.nextDouble() * 2 - 1) * HALF_LAT,
                    CENTER_LON + (rnd.nextDouble() * 2 - 1) * HALF_LON);
        }
        return out;
    }
}
