package dev.vicinity.rating.internal;

import dev.vicinity.rating.InvalidRatingException;
import dev.vicinity.rating.Rating;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Structural checks of submitted rating content. Stateless; O(size of the input). */
public final class RatingInput {
    /** Longest tag, in characters. */
    public static final int MAX_TAG_LENGTH = 32;
    /** Longest idempotency key, in characters. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;

    private RatingInput() {}

    /** @throws InvalidRatingException {@code invalid_stars} unless 1..5 */
    public static void checkStars(int stars) {
        if (stars < Rating.MIN_STARS || stars > Rating.MAX_STARS) {
            throw new InvalidRatingException(InvalidRatingException.INVALID_STARS,
                    "stars must be " + Rating.MIN_STARS + ".." + Rating.MAX_STARS + ", got " + stars);
        }
    }

    /**
     * Tags: at most {@code maxTags}, each 1..32 characters from {@code [a-z0-9_-]}.
     *
     * @throws InvalidRatingException {@code too_many_tags} or {@code invalid_tag}
     */
    public static void checkTags(Set<String> tags, int maxTags) {
        if (tags.size() > maxTags) {
            throw new InvalidRatingException(InvalidRatingException.TOO_MANY_TAGS,
                    "at most " + maxTags + " tags, got " + tags.size());
        }
        for (String tag : tags) {
            if (tag == null || tag.isEmpty() || tag.length() > MAX_TAG_LENGTH) {
                throw new InvalidRatingException(InvalidRatingException.INVALID_TAG,
                        "a tag must be 1.." + MAX_TAG_LENGTH + " characters");
            }
            for (int i = 0; i < tag.length(); i++) {
                char c = tag.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                    throw new InvalidRatingException(InvalidRatingException.INVALID_TAG,
                            "tags may contain only a-z, 0-9, _ and -; illegal character at index " + i);
                }
            }
        }
    }

    /**
     * Comment length in code points.
     *
     * @throws InvalidRatingException {@code comment_too_long}
     */
    public static void checkComment(@Nullable String comment, int maxLength) {
        if (comment == null) {
            return;
        }
        int length = comment.codePointCount(0, comment.length());
        if (length > maxLength) {
            throw new InvalidRatingException(InvalidRatingException.COMMENT_TOO_LONG,
                    "comment must be at most " + maxLength + " characters, got " + length);
        }
    }

    /**
     * Idempotency key: 1..128 printable ASCII characters without spaces.
     *
     * @throws InvalidRatingException {@code invalid_idempotency_key}
     */
    public static void checkIdempotencyKey(@Nullable String key) {
        if (key == null) {
            return;
        }
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw new InvalidRatingException(InvalidRatingException.INVALID_IDEMPOTENCY_KEY,
                    "idempotency key must be 1.." + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new InvalidRatingException(InvalidRatingException.INVALID_IDEMPOTENCY_KEY,
                        "idempotency key has an illegal character at index " + i);
            }
        }
    }
}
