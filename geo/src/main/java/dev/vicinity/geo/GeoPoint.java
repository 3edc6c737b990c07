package dev.vicinity.geo;

/**
 * A point on the earth in WGS84 degrees. Created only through {@link #ofLatLon(double, double)},
 * so the argument order is never ambiguous.
 *
 * <p>Canonical form: latitude in [-90, 90]; longitude in [-180, 180) ({@code 180} is normalised to
 * {@code -180}); at the poles the longitude is normalised to 0; {@code -0.0} is normalised to
 * {@code 0.0}. Two points are {@link #equals equal} iff their canonical coordinates are identical.
 *
 * <p>Immutable and thread-safe.
 */
public final class GeoPoint {
    private final double lat;
    private final double lon;

    private GeoPoint(double lat, double lon) {
        this.lat = lat;
        this.lon = lon;
    }

    /**
     * Creates a point from latitude and longitude in degrees. O(1).
     *
     * @throws InvalidLocationException code {@code invalid_coordinates} if either value is NaN or
     *     infinite, |lat| &gt; 90 or |lon| &gt; 180
     */
    public static GeoPoint ofLatLon(double lat, double lon) {
        if (!Double.isFinite(lat) || !Double.isFinite(lon)) {
            throw new InvalidLocationException(GeoErrorCodes.INVALID_COORDINATES,
                    "latitude and longitude must be finite numbers");
        }
        if (lat < -90.0 || lat > 90.0) {
            throw new InvalidLocationException(GeoErrorCodes.INVALID_COORDINATES,
                    "latitude must be within [-90, 90] degrees");
        }
        if (lon < -180.0 || lon > 180.0) {
            throw new InvalidLocationException(GeoErrorCodes.INVALID_COORDINATES,
                    "longitude must be within [-180, 180] degrees");
        }
        if (lon == 180.0) {
            lon = -180.0;
        }
        if (lat == 90.0 || lat == -90.0) {
            lon = 0.0;
        }
        // + 0.0 turns -0.0 into 0.0 so equal points have equal bits.
        return new GeoPoint(lat + 0.0, lon + 0.0);
    }

    /** Latitude in degrees, in [-90, 90]. */
    public double lat() {
        return lat;
    }

    /** Longitude in degrees, in [-180, 180). */
    public double lon() {
        return lon;
    }

    /** Canonical great-circle distance to {@code other} in metres ({@link GeoDistance#meters}). */
    public double distanceTo(GeoPoint other) {
        return GeoDistance.meters(this, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeoPoint p && p.lat == lat && p.lon == lon;
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(lat) + Double.hashCode(lon);
    }

    /**
     * A debugging form. Never log it next to a user id: coordinates are private data (log lines and
     * listener events in Vicinity carry ids and numbers only).
     */
    @Override
    public String toString() {
        return "GeoPoint[lat=" + lat + ", lon=" + lon + "]";
    }
}
