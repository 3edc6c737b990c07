package dev.vicinity.geo;

import dev.vicinity.core.UserId;

/**
 * Host-pluggable ranking score inside a distance bucket (e.g. a rating-based score); higher ranks
 * first. NaN counts as the lowest score. Called once per eligible candidate of a query, so it must
 * be fast (cache it) and thread-safe.
 */
@FunctionalInterface
public interface ScoreProvider {
    /**
     * No user has a score ({@code NaN}): ranking inside a bucket falls through to the tie-break, and
     * {@code geo.nearby} answers carry no {@code score}.
     */
    ScoreProvider NONE = user -> Double.NaN;

    /** The score of {@code user}; higher ranks first. */
    double score(UserId user);
}
