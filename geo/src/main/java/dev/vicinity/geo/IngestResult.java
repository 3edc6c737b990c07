package dev.vicinity.geo;

import java.time.Instant;

/**
 * The expected outcomes of {@link LocationService#submit}. Bad input is not an outcome: it is an
 * {@link InvalidLocationException} and nothing is stored.
 */
public sealed interface IngestResult {

    /** The fix was stored (snapped) and indexed; the user is discoverable while it is fresh. */
    record Accepted(PublicLocation location) implements IngestResult {}

    /**
     * A {@link LocationSource#UNKNOWN} fix (permission denied): a stored precise location was
     * withdrawn from the store and the index. {@code discoverable} is true only if a manual or
     * approximate place the user set remains.
     */
    record Denied(boolean discoverable) implements IngestResult {}

    /** The fix was observed before the stored one (out of order delivery); nothing changed. */
    record Superseded(Instant storedObservedAt) implements IngestResult {}
}
