package dev.vicinity.rating;

import dev.vicinity.core.InvalidInputException;

/**
 * A rating request was malformed (stars out of range, comment too long, bad tags, bad idempotency
 * key). Nothing was written. The {@link #code()} is one of the constants below and never changes.
 *
 * <p>Eligibility outcomes that depend on stored state (not a participant, window closed, already
 * rated…) are not exceptions: they are {@link RatingResult.Rejected} values.
 */
public class InvalidRatingException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** Stars outside 1..5. */
    public static final String INVALID_STARS = "invalid_stars";
    /** Comment longer than the configured limit. */
    public static final String COMMENT_TOO_LONG = "comment_too_long";
    /** A tag is empty, too long or has characters outside {@code [a-z0-9_-]}. */
    public static final String INVALID_TAG = "invalid_tag";
    /** More tags than the configured limit. */
    public static final String TOO_MANY_TAGS = "too_many_tags";
    /** The idempotency key is empty, too long or has illegal characters. */
    public static final String INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key";

    /**
     * A rating request was rejected as malformed.
     *
     * @param code the stable code, e.g. {@code invalid_stars}
     * @param message what was wrong, for people
     */
    public InvalidRatingException(String code, String message) {
        super(code, message);
    }
}
