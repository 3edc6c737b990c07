package dev.vicinity.geo;

import dev.vicinity.core.VicinityException;

/**
 * A nearby search was refused because the querier has no usable location: permission denied
 * ({@link LocationSource#UNKNOWN}), never sent one, or it is older than the maximum age. The client
 * should ask for location permission or let the user pick a place ({@link LocationSource#MANUAL}).
 * Code {@code location_required}. Retryable once a location has been sent.
 */
public class LocationRequiredException extends VicinityException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with code {@code location_required}. */
    public LocationRequiredException(String message) {
        super(GeoErrorCodes.LOCATION_REQUIRED, message);
    }

    /** True: the same search succeeds once the user has a fresh location. */
    @Override
    public boolean retryable() {
        return true;
    }
}
