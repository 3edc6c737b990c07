package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A nearby search by {@code querier} around the querier's own public location (a client can never
 * choose the centre: that is what makes trilateration from arbitrary points impossible).
 *
 * @param querier who searches
 * @param radiusMeters search radius; &gt; 0 and at most the matcher's maximum
 * @param limit page size; 1..the matcher's maximum page size
 * @param includeOffline whether offline users are included
 * @param cursor the {@link NearbyPage#nextCursor()} of the previous page, or null for the first page
 * @param filter an extra host predicate for this query, or null
 */
public record NearbyQuery(UserId querier, double radiusMeters, int limit, boolean includeOffline,
                          @Nullable String cursor, @Nullable CandidateFilter filter) {

    /** Checks that {@code querier} is not null; ranges are checked by the matcher. */
    public NearbyQuery {
        Objects.requireNonNull(querier, "querier");
    }

    /** The first page of online users within {@code radiusMeters}, {@code limit} per page. */
    public static NearbyQuery of(UserId querier, double radiusMeters, int limit) {
        return new NearbyQuery(querier, radiusMeters, limit, false, null, null);
    }

    /** The same query including offline users. */
    public NearbyQuery withOffline() {
        return new NearbyQuery(querier, radiusMeters, limit, true, cursor, filter);
    }

    /** The same query continuing after the page that returned {@code cursor}. */
    public NearbyQuery after(String cursor) {
        return new NearbyQuery(querier, radiusMeters, limit, includeOffline, Objects.requireNonNull(cursor, "cursor"), filter);
    }

    /** The same query with an extra host predicate. */
    public NearbyQuery filtered(CandidateFilter filter) {
        return new NearbyQuery(querier, radiusMeters, limit, includeOffline, cursor, Objects.requireNonNull(filter, "filter"));
    }

    /** The cursor, if this is not the first page. */
    public Optional<String> cursorValue() {
        return Optional.ofNullable(cursor);
    }
}
