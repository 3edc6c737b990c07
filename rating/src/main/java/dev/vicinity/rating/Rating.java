package dev.vicinity.rating;

import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One stored rating: an immutable snapshot of a row in the {@link dev.vicinity.rating.spi.RatingStore}.
 * Every change produces a new snapshot with {@link #version()} one higher; stores replace a snapshot
 * only by compare-and-set on that version.
 *
 * <p>Immutable and thread-safe. The comment and tags are private data: they never appear in listener
 * events or logs.
 *
 * @param key who rated whom in which session
 * @param stars 1..5
 * @param tags short labels chosen by the rater, sorted, never null (possibly empty)
 * @param comment free text, or null when there is none
 * @param idempotencyKey the client's idempotency key of the submit, or null
 * @param state sealed, revealed or withdrawn
 * @param submittedAt when the rating was first stored
 * @param revealAt when the rating window of the session closes: the rating is revealed at the latest
 *     then, and can neither be submitted nor edited from then on
 * @param updatedAt when this snapshot was written
 * @param version 1 on insert, +1 on every change
 * @param duplicate true if the store found, when this rating became revealed, that a rating of the same
 *     rater about the same ratee had been counted less than the count-once window before (see
 *     {@link dev.vicinity.rating.spi.RatingStore#insertIfAbsent(Rating, java.time.Duration)}): the rating
 *     is visible to the ratee but not counted in any aggregate. Decided by the store once, at the reveal;
 *     false for every rating that was never revealed
 */
public record Rating(RatingKey key, int stars, Set<String> tags, @Nullable String comment, @Nullable String idempotencyKey,
                     RatingState state, Instant submittedAt, Instant revealAt, Instant updatedAt,
                     long version, boolean duplicate) {

    /** Lowest star value. */
    public static final int MIN_STARS = 1;
    /** Highest star value. */
    public static final int MAX_STARS = 5;

    /**
     * Checks the invariants every stored rating has.
     *
     * @throws InvalidRatingException with code {@code invalid_stars} if stars is out of 1..5
     * @throws NullPointerException if a required part is null
     * @throws IllegalArgumentException if version is below 1
     */
    public Rating {
        Objects.requireNonNull(key, "key");
        if (stars < MIN_STARS || stars > MAX_STARS) {
            throw new InvalidRatingException(InvalidRatingException.INVALID_STARS,
                    "stars must be " + MIN_STARS + ".." + MAX_STARS + ", got " + stars);
        }
        tags = sortedCopy(tags);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(submittedAt, "submittedAt");
        Objects.requireNonNull(revealAt, "revealAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, got " + version);
        }
    }

    /** A rating that is not a {@link #duplicate()}. */
    public Rating(RatingKey key, int stars, Set<String> tags, @Nullable String comment, @Nullable String idempotencyKey,
                  RatingState state, Instant submittedAt, Instant revealAt, Instant updatedAt, long version) {
        this(key, stars, tags, comment, idempotencyKey, state, submittedAt, revealAt, updatedAt, version, false);
    }

    private static Set<String> sortedCopy(Set<String> tags) {
        if (tags == null || tags.isEmpty()) {
            return Collections.emptySortedSet();
        }
        SortedSet<String> copy = new TreeSet<>();
        for (String t : tags) {
            copy.add(Objects.requireNonNull(t, "tag"));
        }
        return Collections.unmodifiableSortedSet(copy);
    }

    /** A new sealed or revealed rating at version 1. */
    public static Rating create(RatingKey key, int stars, Set<String> tags, @Nullable String comment, @Nullable String idempotencyKey,
                                RatingState state, Instant now, Instant revealAt) {
        return new Rating(key, stars, tags, comment, idempotencyKey, state, now, revealAt, now, 1);
    }

    /** The comment, if any. */
    public Optional<String> commentText() {
        return Optional.ofNullable(comment);
    }

    /** Whether this rating counts in the ratee's aggregate: it is revealed and not a {@link #duplicate()}. */
    public boolean counted() {
        return state.counted() && !duplicate;
    }

    /** Whether the ratee may see this rating: it is revealed (counted or a {@link #duplicate()}). */
    public boolean revealed() {
        return state == RatingState.REVEALED;
    }

    /** This snapshot with {@link #duplicate()} set to {@code flag} (same version); for stores. */
    public Rating withDuplicate(boolean flag) {
        return flag == duplicate ? this : new Rating(key, stars, tags, comment, idempotencyKey, state, submittedAt,
                revealAt, updatedAt, version, flag);
    }

    /** The next version of this rating in {@code newState}, written at {@code now}. */
    public Rating withState(RatingState newState, Instant now) {
        return new Rating(key, stars, tags, comment, idempotencyKey, newState, submittedAt, revealAt, now,
                version + 1, duplicate);
    }

    /** The next version of this rating with new content, written at {@code now}; state unchanged. */
    public Rating withContent(int newStars, Set<String> newTags, @Nullable String newComment, Instant now) {
        return new Rating(key, newStars, newTags, newComment, idempotencyKey, state, submittedAt, revealAt, now,
                version + 1, duplicate);
    }

    /** Whether stars, tags and comment equal the given ones. */
    public boolean sameContent(int otherStars, Set<String> otherTags, @Nullable String otherComment) {
        return stars == otherStars && tags.equals(sortedCopy(otherTags)) && Objects.equals(comment, otherComment);
    }

    /** Never prints the comment. */
    @Override
    public String toString() {
        return "Rating[" + key + ", stars=" + stars + ", state=" + state + (duplicate ? " (duplicate)" : "")
                + ", v" + version + "]";
    }
}
