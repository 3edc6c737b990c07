package dev.vicinity.geo;

import java.time.Instant;
import java.util.Objects;

/**
 * One location report from a client, exactly as received: raw, unvalidated coordinates in degrees,
 * the source, the accuracy radius and when the device observed it. {@link LocationService#submit}
 * validates it, snaps it to the privacy grid and discards the raw coordinates; they are never
 * stored, logged or handed to matching.
 *
 * <p>Creating a fix validates nothing but non-null arguments (so that the service can reject bad
 * input with a typed error and a listener event); use {@link #denied(Instant)} for
 * {@link LocationSource#UNKNOWN}.
 *
 * @param lat raw latitude in degrees (NaN for {@link LocationSource#UNKNOWN})
 * @param lon raw longitude in degrees (NaN for {@link LocationSource#UNKNOWN})
 * @param source where the fix comes from
 * @param accuracyMeters radius of uncertainty in metres (0 if unknown)
 * @param observedAt when the device observed the position
 */
public record LocationFix(double lat, double lon, LocationSource source, double accuracyMeters, Instant observedAt) {

    /** Checks only that {@code source} and {@code observedAt} are non-null. */
    public LocationFix {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(observedAt, "observedAt");
    }

    /** A fix with coordinates. */
    public static LocationFix of(double lat, double lon, LocationSource source, double accuracyMeters, Instant observedAt) {
        return new LocationFix(lat, lon, source, accuracyMeters, observedAt);
    }

    /** A precise fix with the given accuracy. */
    public static LocationFix precise(double lat, double lon, double accuracyMeters, Instant observedAt) {
        return new LocationFix(lat, lon, LocationSource.PRECISE, accuracyMeters, observedAt);
    }

    /** A place the user picked by hand. */
    public static LocationFix manual(double lat, double lon, Instant observedAt) {
        return new LocationFix(lat, lon, LocationSource.MANUAL, 0.0, observedAt);
    }

    /** Permission denied / no fix: no coordinates. */
    public static LocationFix denied(Instant observedAt) {
        return new LocationFix(Double.NaN, Double.NaN, LocationSource.UNKNOWN, 0.0, observedAt);
    }

    /** Never prints coordinates (a fix may end up in a log line by accident). */
    @Override
    public String toString() {
        return "LocationFix[source=" + source + ", accuracyMeters=" + accuracyMeters + ", observedAt=" + observedAt + "]";
    }
}
