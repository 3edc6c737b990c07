package dev.vicinity.geo.spi;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import java.time.Instant;
import java.util.Objects;

/**
 * One user a {@link ProximityIndex} returned for a query. The matcher recomputes the canonical
 * distance from {@link #point()}; the index's own notion of distance only selects candidates.
 *
 * @param user the indexed user
 * @param point the indexed (already snapped) position, within the index's declared tolerance
 * @param observedAt when the indexed location was observed (an index may truncate it to seconds)
 */
public record Candidate(UserId user, GeoPoint point, Instant observedAt) {
    /** Validates that nothing is null. */
    public Candidate {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(observedAt, "observedAt");
    }
}
