package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The only location Vicinity keeps for a user: the centre of the privacy-grid cell of the last
 * accepted fix, never the raw coordinates. It is what the {@link dev.vicinity.geo.spi.LocationStore}
 * stores, what the {@link dev.vicinity.geo.spi.ProximityIndex} indexes and what matching compares.
 * Immutable.
 *
 * @param user the user
 * @param cell the snapped position (a cell centre of the service's {@link GeoGrid})
 * @param source source of the fix (never {@link LocationSource#UNKNOWN})
 * @param accuracyMeters the fix's accuracy radius in metres (&gt;= 0)
 * @param observedAt when the device observed the fix; the location's age counts from here
 */
public record PublicLocation(UserId user, GeoPoint cell, LocationSource source, double accuracyMeters,
                             Instant observedAt) {

    /**
     * Validates non-null fields, a source with coordinates and a finite accuracy &gt;= 0.
     *
     * @throws IllegalArgumentException otherwise (a programming error: the service validates input first)
     */
    public PublicLocation {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(observedAt, "observedAt");
        if (!source.hasCoordinates()) {
            throw new IllegalArgumentException("a stored location needs a source with coordinates");
        }
        if (!(accuracyMeters >= 0) || Double.isInfinite(accuracyMeters)) {
            throw new IllegalArgumentException("accuracyMeters must be finite and >= 0");
        }
    }

    /** Age at {@code now} (zero if observed after {@code now}, within the allowed clock skew). */
    public Duration age(Instant now) {
        Duration d = Duration.between(observedAt, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Prints the user, source and time only, never the position (it may end up in a log line). */
    @Override
    public String toString() {
        return "PublicLocation[user=" + user + ", source=" + source + ", observedAt=" + observedAt + "]";
    }
}
