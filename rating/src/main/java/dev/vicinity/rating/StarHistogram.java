package dev.vicinity.rating;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import java.util.OptionalDouble;

/**
 * Counts of revealed ratings per star value: {@code n1} one-star ratings … {@code n5} five-star
 * ratings. This is the whole aggregate a store keeps per user (and once for the platform); count,
 * sum and every score are pure functions of it, so reads are O(1) and nothing can drift apart.
 *
 * <p>Immutable value; all methods O(1). Counts are never negative.
 *
 * @param n1 number of 1-star ratings
 * @param n2 number of 2-star ratings
 * @param n3 number of 3-star ratings
 * @param n4 number of 4-star ratings
 * @param n5 number of 5-star ratings
 */
public record StarHistogram(long n1, long n2, long n3, long n4, long n5) {

    /** No ratings. */
    public static final StarHistogram EMPTY = new StarHistogram(0, 0, 0, 0, 0);

    /** @throws InvalidInputException (invalid_argument) if a count is negative */
    public StarHistogram {
        if (n1 < 0 || n2 < 0 || n3 < 0 || n4 < 0 || n5 < 0) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "star counts must not be negative: "
                    + n1 + "," + n2 + "," + n3 + "," + n4 + "," + n5);
        }
    }

    /** Shorthand for the constructor. */
    public static StarHistogram of(long n1, long n2, long n3, long n4, long n5) {
        return new StarHistogram(n1, n2, n3, n4, n5);
    }

    /**
     * From an array indexed by {@code stars - 1}.
     *
     * @throws InvalidInputException (invalid_argument) if the array does not have 5 non-negative entries
     */
    public static StarHistogram ofArray(long[] counts) {
        if (counts.length != Rating.MAX_STARS) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "need 5 counts, got " + counts.length);
        }
        return new StarHistogram(counts[0], counts[1], counts[2], counts[3], counts[4]);
    }

    /**
     * Recounts from stored ratings: the histogram of those that are {@link Rating#counted() counted}.
     * O(number of ratings). This is the definition every store's running aggregate must equal.
     */
    public static StarHistogram recount(Iterable<Rating> ratings) {
        long[] c = new long[Rating.MAX_STARS];
        for (Rating r : ratings) {
            if (r.counted()) {
                c[r.stars() - 1]++;
            }
        }
        return ofArray(c);
    }

    /** The counts as a new array indexed by {@code stars - 1}. */
    public long[] toArray() {
        return new long[] {n1, n2, n3, n4, n5};
    }

    /** Number of ratings with {@code stars} stars. @throws InvalidRatingException if stars is not 1..5 */
    public long countOf(int stars) {
        return switch (stars) {
            case 1 -> n1;
            case 2 -> n2;
            case 3 -> n3;
            case 4 -> n4;
            case 5 -> n5;
            default -> throw new InvalidRatingException(InvalidRatingException.INVALID_STARS,
                    "stars must be 1..5, got " + stars);
        };
    }

    /** Total number of ratings. */
    public long count() {
        return n1 + n2 + n3 + n4 + n5;
    }

    /** Sum of all stars. */
    public long sum() {
        return n1 + 2 * n2 + 3 * n3 + 4 * n4 + 5 * n5;
    }

    /** Whether there is no rating. */
    public boolean isEmpty() {
        return count() == 0;
    }

    /** This histogram with one more rating of {@code stars}. */
    public StarHistogram plus(int stars) {
        return add(stars, 1);
    }

    /**
     * This histogram with one rating of {@code stars} fewer.
     *
     * @throws InvalidInputException (invalid_argument) if there is none to remove
     */
    public StarHistogram minus(int stars) {
        return add(stars, -1);
    }

    /** Bucket-wise sum. */
    public StarHistogram plus(StarHistogram other) {
        return new StarHistogram(n1 + other.n1, n2 + other.n2, n3 + other.n3, n4 + other.n4, n5 + other.n5);
    }

    private StarHistogram add(int stars, long delta) {
        long[] c = toArray();
        countOf(stars); // validates
        c[stars - 1] += delta;
        return ofArray(c);
    }

    /** The arithmetic mean of the stars, or empty when there is no rating. */
    public OptionalDouble mean() {
        long n = count();
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) sum() / n);
    }
}
