package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import java.util.Objects;

/**
 * One nearby user as shown to the querier: an id, a distance bucket (never a position or an exact
 * distance), whether the user is online and the host score that ranked it inside its bucket.
 *
 * @param user the nearby user
 * @param distance the distance bucket between the two users' privacy cells
 * @param online whether the host's {@link OnlineCheck} said the user is online when the page was
 *     built (always true unless the query asked for offline users too)
 * @param score the {@link ScoreProvider} score the ranking used, or NaN when the provider gave none
 */
public record NearbyMatch(UserId user, DistanceBucket distance, boolean online, double score) {
    /** Validates that nothing is null. */
    public NearbyMatch {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(distance, "distance");
    }

    /** An online match without a score. */
    public NearbyMatch(UserId user, DistanceBucket distance) {
        this(user, distance, true, Double.NaN);
    }
}
