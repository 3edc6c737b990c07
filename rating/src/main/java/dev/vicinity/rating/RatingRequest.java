package dev.vicinity.rating;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A rating as a client submits it. Only structural nulls are checked here; limits (stars, tags,
 * comment length, idempotency key syntax) are checked by {@link RatingService#submit}.
 *
 * <p>Immutable value.
 *
 * @param key (session, rater, ratee)
 * @param stars 1..5
 * @param tags optional labels; never null (empty when none)
 * @param comment optional text, null when none (an empty string is treated as none)
 * @param idempotencyKey optional client key making a retried submit return the same result; null when none
 */
public record RatingRequest(RatingKey key, int stars, Set<String> tags, @Nullable String comment, @Nullable String idempotencyKey) {

    /**
     * Checks that {@code key} is present; null {@code tags} become the empty set (the set is copied), and an empty
     * comment becomes null.
     */
    public RatingRequest {
        Objects.requireNonNull(key, "key");
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        if (comment != null && comment.isEmpty()) {
            comment = null;
        }
    }

    /** A request with stars only. */
    public static RatingRequest of(SessionId session, UserId rater, UserId ratee, int stars) {
        return new RatingRequest(new RatingKey(session, rater, ratee), stars, Set.of(), null, null);
    }

    /** This request with {@code tags}. */
    public RatingRequest withTags(Set<String> newTags) {
        return new RatingRequest(key, stars, newTags, comment, idempotencyKey);
    }

    /** This request with {@code newComment}. */
    public RatingRequest withComment(String newComment) {
        return new RatingRequest(key, stars, tags, newComment, idempotencyKey);
    }

    /** This request with a client idempotency key. */
    public RatingRequest withIdempotencyKey(String newIdempotencyKey) {
        return new RatingRequest(key, stars, tags, comment, newIdempotencyKey);
    }

    /** Never prints the comment. */
    @Override
    public String toString() {
        return "RatingRequest[" + key + ", stars=" + stars + "]";
    }
}
