package dev.vicinity.geo.spi;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A spatial index of public (snapped) positions that produces nearest candidates. It is a derived
 * view of the {@link LocationStore}, kept in step by {@link dev.vicinity.geo.LocationService}; the
 * canonical distance ({@link dev.vicinity.geo.GeoDistance}) and the matcher decide inclusion,
 * ranking and filtering.
 *
 * <p>Guarantee of {@link #candidates}: nearest first, the {@code limit} entries nearest to
 * {@code center} among those within {@code radiusMeters}, by the canonical haversine distance up to
 * a tolerance of 0.7 % + 1 m (so an entry that close to the radius edge, or that close to the
 * {@code limit}-th distance, may be in or out). A user appears at most once, with its latest upserted
 * position and observation time (which the index may truncate to milliseconds and may store with a
 * positional error within the same tolerance). Implementations must be thread-safe; a query
 * concurrent with updates returns each user at most once, at a position it had while the query ran,
 * and may miss a user that moves while it runs (the next query finds it).
 */
public interface ProximityIndex {

    /** Inserts {@code user} at {@code point} observed at {@code observedAt}, or moves it there. */
    void upsert(UserId user, GeoPoint point, Instant observedAt);

    /** Removes {@code user}; returns whether it was indexed. */
    boolean remove(UserId user);

    /**
     * Up to {@code limit} nearest users within {@code radiusMeters} of {@code center}, nearest first.
     *
     * @param limit at least 1 ({@link Integer#MAX_VALUE}: everything within the radius)
     * @param radiusMeters finite and &gt;= 0
     * @throws dev.vicinity.core.InvalidInputException {@code invalid_argument} for a bad radius or limit
     */
    List<Candidate> candidates(GeoPoint center, double radiusMeters, int limit);

    /**
     * Calls {@code visitor} once for every user within {@code radiusMeters} of {@code center}, in no
     * particular order, with the same inclusion tolerance, per-user guarantees (at most once, a
     * position it had while the scan ran) and concurrency behaviour as {@link #candidates} with
     * {@code limit} {@link Integer#MAX_VALUE}. Meant for callers that need every user of an area
     * (the matcher ranks a whole distance bucket) and no ordering: an index may override it to scan
     * without allocating per user. The default implementation delegates to {@link #candidates}.
     *
     * @param radiusMeters finite and &gt;= 0
     * @throws dev.vicinity.core.InvalidInputException {@code invalid_argument} for a bad radius
     */
    default void forEachWithin(GeoPoint center, double radiusMeters, CandidateVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        for (Candidate c : candidates(center, radiusMeters, Integer.MAX_VALUE)) {
            GeoPoint p = c.point();
            Instant t = c.observedAt();
            visitor.visit(c.user(), p.lat(), p.lon(), t.getEpochSecond(), t.getNano());
        }
    }

    /** Number of indexed users (approximate while updates are in flight). */
    int size();
}
