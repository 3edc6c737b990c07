package dev.vicinity.geo;

/**
 * Stable error codes of the geo module (lower snake case; never change meaning once released). Core
 * codes such as {@code invalid_argument} and {@code rate_limited} live in
 * {@link dev.vicinity.core.ErrorCodes}.
 */
public final class GeoErrorCodes {
    /** Latitude or longitude was NaN, infinite or out of range. */
    public static final String INVALID_COORDINATES = "invalid_coordinates";
    /** A fix's accuracy radius was NaN, infinite or negative. */
    public static final String INVALID_ACCURACY = "invalid_accuracy";
    /** A fix claimed to be observed in the future (beyond the allowed clock skew). */
    public static final String FUTURE_TIMESTAMP = "future_timestamp";
    /** A fix was already older than the maximum location age when it arrived. */
    public static final String STALE_LOCATION = "stale_location";
    /** A fix implies a speed above the configured limit since the previous fix. */
    public static final String IMPLAUSIBLE_JUMP = "implausible_jump";
    /** A nearby search needs a usable, fresh location of the querier (precise, approximate or manual). */
    public static final String LOCATION_REQUIRED = "location_required";
    /** A pagination cursor was malformed, forged, expired or issued to another query or user. */
    public static final String INVALID_CURSOR = "invalid_cursor";

    private GeoErrorCodes() {}
}
