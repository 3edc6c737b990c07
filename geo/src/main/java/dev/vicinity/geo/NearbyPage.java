package dev.vicinity.geo;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of nearby results, ranked by distance bucket, then score (higher first), then a stable
 * tie-break that does not depend on positions.
 *
 * @param matches the page (immutable)
 * @param nextCursor an opaque token for the next page, or null if this is the last page
 */
public record NearbyPage(List<NearbyMatch> matches, @Nullable String nextCursor) {
    /** Copies {@code matches} into an immutable list. */
    public NearbyPage {
        matches = List.copyOf(Objects.requireNonNull(matches, "matches"));
    }

    /** The cursor of the next page, if there is one. */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }
}
