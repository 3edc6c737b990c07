package dev.vicinity.core;

/**
 * The caller passed something Vicinity refuses: a malformed id, out-of-range coordinates, an
 * oversized text. Nothing was written. Never retryable unchanged.
 */
public class InvalidInputException extends VicinityException {
    private static final long serialVersionUID = 1L;

    /**
     * Input was rejected.
     *
     * @param code the stable code, e.g. {@code invalid_argument}
     * @param message what was wrong, for people
     */
    public InvalidInputException(String code, String message) {
        super(code, message);
    }
}
