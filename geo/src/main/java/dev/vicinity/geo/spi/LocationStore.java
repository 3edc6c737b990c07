package dev.vicinity.geo.spi;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.PublicLocation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage of users' public (snapped) locations: four primitives. Validation, snapping, staleness
 * and the speed check live once in {@link dev.vicinity.geo.LocationService}.
 *
 * <p>Every write is a compare-and-set on the stored version (0 meaning "absent"), so two writers
 * for the same user (two devices, a fix racing the sweeper) never overwrite each other silently.
 * Implementations must be thread-safe and linearizable per user; versions of a user only grow
 * while it is stored (after a removal a user starts again at version 1).
 */
public interface LocationStore {

    /** The stored location of {@code user} with its version, if any. */
    Optional<StoredLocation> get(UserId user);

    /**
     * Stores {@code next} for {@code next.user()} iff its stored version equals
     * {@code expectedVersion} (0: iff nothing is stored); the new version is {@code expectedVersion + 1}.
     *
     * @return the stored location with its new version, or empty if the version differed (nothing written)
     */
    Optional<StoredLocation> compareAndSet(long expectedVersion, PublicLocation next);

    /**
     * Removes the location of {@code user} iff its stored version equals {@code expectedVersion}.
     *
     * @return true if removed; false if absent or the version differed (nothing changed)
     */
    boolean remove(UserId user, long expectedVersion);

    /**
     * Up to {@code limit} (&gt;= 1) stored locations observed strictly before {@code cutoff}, in any
     * order (for the staleness sweeper, which removes them by version).
     */
    List<StoredLocation> observedBefore(Instant cutoff, int limit);
}
