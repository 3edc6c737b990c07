package dev.vicinity.geo;

import java.util.Objects;

/**
 * The one canonical distance of Vicinity: haversine great-circle distance on a sphere of radius
 * {@link #EARTH_RADIUS_METERS} (the IUGG mean earth radius). It decides inclusion (within radius)
 * and ranking (distance bucket) for every backend; backends only produce candidates. Its error
 * against the WGS84 ellipsoid is at most 0.57 % (north-south near the equator).
 *
 * <p>Stateless and thread-safe; every method is O(1).
 */
public final class GeoDistance {
    /** Mean earth radius R1 = 6,371,008.8 m. */
    public static final double EARTH_RADIUS_METERS = 6_371_008.8;
    /** Half the circumference: the largest possible distance. */
    public static final double MAX_DISTANCE_METERS = Math.PI * EARTH_RADIUS_METERS;
    /** Metres per degree of latitude (and of longitude on the equator). */
    public static final double METERS_PER_DEGREE = EARTH_RADIUS_METERS * Math.PI / 180.0;

    private GeoDistance() {}

    /** Distance between two points in metres, in [0, {@link #MAX_DISTANCE_METERS}]. */
    public static double meters(GeoPoint a, GeoPoint b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return meters(a.lat(), a.lon(), b.lat(), b.lon());
    }

    /**
     * Distance in metres between two points given in degrees. Arguments are not validated (use
     * {@link #meters(GeoPoint, GeoPoint)} for that); longitudes may differ by up to 360 degrees.
     */
    public static double meters(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double sinDp = Math.sin((p2 - p1) * 0.5);
        double sinDl = Math.sin(Math.toRadians(lon2 - lon1) * 0.5);
        double h = sinDp * sinDp + Math.cos(p1) * Math.cos(p2) * sinDl * sinDl;
        return 2.0 * EARTH_RADIUS_METERS * Math.asin(Math.sqrt(Math.min(1.0, h)));
    }
}
