package dev.vicinity.geo;

import dev.vicinity.core.UserId;

/**
 * A host predicate deciding whether {@code candidate} may be shown to {@code querier} (age range,
 * preferences, moderation). Must be fast, thread-safe and deterministic for the duration of a
 * paginated query.
 */
@FunctionalInterface
public interface CandidateFilter {
    /** Accepts everyone. */
    CandidateFilter ALL = (querier, candidate) -> true;

    /** Whether {@code candidate} may appear in {@code querier}'s nearby results. */
    boolean test(UserId querier, UserId candidate);
}
