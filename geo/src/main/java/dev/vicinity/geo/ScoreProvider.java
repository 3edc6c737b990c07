package dev.vicinity.geo;

import dev.vicinity.core.UserId;

/**
 * Host-pluggable ranking score inside a distance bucket (e.g. a rating-based score); higher ranks
 * first. NaN counts as the lowest score. Called once per eligible candidate of a query, so it must
 * be fast (cache it) and thread-safe.
 */
@FunctionalInterface
public interface ScoreProvider {
    /** Scores every user 0: ranking inside a bucket falls through to the tie-break. */
    ScoreProvider NONE = user -> 0.0;

    /** The score of {@code user}; higher ranks first. */
    double score(UserId user);
}
