package dev.vicinity.geo.spi;

import dev.vicinity.geo.PublicLocation;
import java.util.Objects;

/**
 * A {@link PublicLocation} with the version the store assigned to it.
 *
 * @param location the stored public location
 * @param version the version, &gt;= 1; it grows by one with every successful compare-and-set
 */
public record StoredLocation(PublicLocation location, long version) {
    /** Validates: non-null location, version &gt;= 1. */
    public StoredLocation {
        Objects.requireNonNull(location, "location");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1");
        }
    }
}
