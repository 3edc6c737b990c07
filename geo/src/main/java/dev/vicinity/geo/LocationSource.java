package dev.vicinity.geo;

/**
 * Where a location fix comes from. The source decides how a fix is checked and whether the user is
 * discoverable; see {@link LocationService}.
 */
public enum LocationSource {
    /** The device's precise location (GPS, fused provider). Subject to the speed (jump) check. */
    PRECISE,
    /** The OS's coarse location (permission for approximate location only). Subject to the speed check. */
    APPROXIMATE,
    /** A place the user picked by hand (a city, a neighbourhood). Exempt from the speed check. */
    MANUAL,
    /**
     * Permission denied or no fix available. Carries no coordinates; withdraws a stored
     * {@link #PRECISE} location so that the user is no longer discoverable (a manual or approximate
     * place the user set stays).
     */
    UNKNOWN;

    /** Whether fixes of this source carry coordinates (every source but {@link #UNKNOWN}). */
    public boolean hasCoordinates() {
        return this != UNKNOWN;
    }
}
