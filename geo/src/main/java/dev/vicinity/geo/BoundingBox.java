package dev.vicinity.geo;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import java.util.Objects;

/**
 * A latitude/longitude rectangle that contains a whole spherical cap (all points within a radius
 * of a centre), for coarse candidate search: a point outside the box is certainly farther than the
 * radius; a point inside may still be farther (check it with {@link GeoDistance}).
 *
 * <p>Correct across the antimeridian ({@link #crossesAntimeridian()}: then {@code minLon > maxLon}
 * and the box is {@code lon >= minLon || lon <= maxLon}) and near the poles (a cap that contains a
 * pole spans all longitudes, {@code minLon = -180, maxLon = 180}). The box is inflated by a few
 * nanometres so that rounding never excludes a point on the cap's edge.
 *
 * <p>Immutable and thread-safe; creation and {@link #contains} are O(1).
 *
 * @param minLat southern edge in degrees
 * @param maxLat northern edge in degrees
 * @param minLon western edge in degrees
 * @param maxLon eastern edge in degrees (smaller than {@code minLon} iff the box crosses the antimeridian)
 */
public record BoundingBox(double minLat, double maxLat, double minLon, double maxLon) {

    private static final double EPS_RAD = 1e-15 + 1e-9 / GeoDistance.EARTH_RADIUS_METERS;

    /** The smallest box (up to rounding) containing every point within {@code radiusMeters} of {@code center}. */
    public static BoundingBox around(GeoPoint center, double radiusMeters) {
        Objects.requireNonNull(center, "center");
        if (!(radiusMeters >= 0) || Double.isInfinite(radiusMeters)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "radius must be a finite number >= 0");
        }
        double delta = Math.min(Math.PI, radiusMeters / GeoDistance.EARTH_RADIUS_METERS) * (1 + 1e-12) + EPS_RAD;
        double lat = Math.toRadians(center.lat());
        double lon = Math.toRadians(center.lon());
        double minLat = lat - delta;
        double maxLat = lat + delta;
        if (maxLat >= Math.PI / 2 || minLat <= -Math.PI / 2) {
            return new BoundingBox(Math.toDegrees(Math.max(minLat, -Math.PI / 2)),
                    Math.toDegrees(Math.min(maxLat, Math.PI / 2)), -180.0, 180.0);
        }
        double ratio = Math.sin(delta) / Math.cos(lat);
        if (ratio >= 1.0) {
            return new BoundingBox(Math.toDegrees(minLat), Math.toDegrees(maxLat), -180.0, 180.0);
        }
        double dLon = Math.asin(ratio) * (1 + 1e-12) + EPS_RAD;
        if (dLon >= Math.PI) {
            return new BoundingBox(Math.toDegrees(minLat), Math.toDegrees(maxLat), -180.0, 180.0);
        }
        double minLon = Math.toDegrees(lon - dLon);
        double maxLon = Math.toDegrees(lon + dLon);
        if (minLon < -180.0) {
            minLon += 360.0;
        }
        if (maxLon >= 180.0) {
            maxLon -= 360.0;
        }
        return new BoundingBox(Math.toDegrees(minLat), Math.toDegrees(maxLat), minLon, maxLon);
    }

    /** Whether the box spans every longitude (it contains a pole, or the radius is huge). */
    public boolean allLongitudes() {
        return minLon == -180.0 && maxLon == 180.0;
    }

    /** Whether the box crosses the antimeridian: then it is {@code lon >= minLon || lon <= maxLon}. */
    public boolean crossesAntimeridian() {
        return minLon > maxLon;
    }

    /** Whether {@code p} lies inside the box (edges included). */
    public boolean contains(GeoPoint p) {
        return contains(p.lat(), p.lon());
    }

    /** Whether the point given in degrees lies inside the box (edges included). */
    public boolean contains(double lat, double lon) {
        if (lat < minLat || lat > maxLat) {
            return false;
        }
        if (crossesAntimeridian()) {
            return lon >= minLon || lon <= maxLon;
        }
        return lon >= minLon && lon <= maxLon;
    }
}
