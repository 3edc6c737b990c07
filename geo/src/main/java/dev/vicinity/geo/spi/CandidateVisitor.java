package dev.vicinity.geo.spi;

import dev.vicinity.core.UserId;

/**
 * Receives the users a {@link ProximityIndex#forEachWithin} scan finds, one call per user, without a
 * {@link Candidate} (or point, or instant) object per user. The fields have the meaning and the
 * tolerance of the corresponding {@link Candidate} fields.
 *
 * <p>Called on the scanning thread, never concurrently for one scan; an implementation need not be
 * thread-safe unless it is shared between scans. It must not call back into the index.
 */
@FunctionalInterface
public interface CandidateVisitor {
    /**
     * One indexed user.
     *
     * @param user the indexed user
     * @param lat latitude in degrees of the indexed (snapped) position
     * @param lon longitude in degrees of the indexed (snapped) position
     * @param observedEpochSecond {@link java.time.Instant#getEpochSecond()} of the observation time
     * @param observedNano {@link java.time.Instant#getNano()} of the observation time
     */
    void visit(UserId user, double lat, double lon, long observedEpochSecond, int observedNano);
}
