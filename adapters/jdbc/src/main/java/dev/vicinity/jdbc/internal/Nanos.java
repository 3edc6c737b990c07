package dev.vicinity.jdbc.internal;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Instants are stored as {@code BIGINT} nanoseconds since the epoch, so every stored value reads back
 * equal to what was written, on every SQL backend ({@code timestamptz} and H2 timestamps would lose precision or need a time zone). The
 * range is 1677-09-21 to 2262-04-11. Stateless.
 */
public final class Nanos {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Nanos() {}

    /**
     * Epoch nanoseconds of {@code instant}.
     *
     * @throws InvalidInputException {@code invalid_argument} outside the storable range
     */
    public static long of(Instant instant) {
        long seconds = instant.getEpochSecond();
        long nanos = instant.getNano();
        if (seconds < 0 && nanos > 0) {
            // Borrow a second so the product cannot overflow in the last second before Long.MIN_VALUE ns.
            seconds++;
            nanos -= NANOS_PER_SECOND;
        }
        try {
            return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
        } catch (ArithmeticException e) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT,
                    "instant " + instant + " is outside the storable range 1677..2262");
        }
    }

    /** The instant of {@code nanos} epoch nanoseconds. */
    public static Instant toInstant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
    }

    /** Like {@link #toInstant} but null for SQL NULL (read with {@code getObject}). */
    public static @Nullable Instant toInstantOrNull(@Nullable Long nanos) {
        return nanos == null ? null : toInstant(nanos);
    }
}
