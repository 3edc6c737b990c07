package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import java.util.Objects;

/**
 * One nearby user as shown to the querier: an id and a distance bucket, never a position or an
 * exact distance.
 *
 * @param user the nearby user
 * @param distance the distance bucket between the two users' privacy cells
 */
public record NearbyMatch(UserId user, DistanceBucket distance) {
    /** Validates that nothing is null. */
    public NearbyMatch {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(distance, "distance");
    }
}
