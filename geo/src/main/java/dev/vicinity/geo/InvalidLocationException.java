package dev.vicinity.geo;

import dev.vicinity.core.InvalidInputException;

/**
 * A coordinate or location fix was refused: {@code invalid_coordinates}, {@code invalid_accuracy},
 * {@code future_timestamp}, {@code stale_location} or {@code implausible_jump} (see
 * {@link GeoErrorCodes}). Nothing was stored. Not retryable unchanged.
 */
public class InvalidLocationException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with one of the {@link GeoErrorCodes} and a human-readable message. */
    public InvalidLocationException(String code, String message) {
        super(code, message);
    }
}
