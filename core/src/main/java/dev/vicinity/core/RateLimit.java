package dev.vicinity.core;

import java.time.Duration;

/**
 * A token-bucket rate: at most {@code burst} actions at once, refilled continuously at {@code perSecond}
 * actions per second. The one value every Vicinity limit is configured with (frames, messages, invites,
 * nearby queries, location updates, connects). Immutable.
 *
 * @param perSecond refill rate, finite and &gt; 0
 * @param burst bucket capacity, &gt;= 1
 */
public record RateLimit(double perSecond, int burst) {

    /** @throws IllegalArgumentException if {@code perSecond} is not finite and positive or {@code burst < 1} */
    public RateLimit {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("perSecond must be finite and > 0, got " + perSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1, got " + burst);
        }
    }

    /** {@code perSecond} per second, bursts of {@code burst}. */
    public static RateLimit perSecond(double perSecond, int burst) {
        return new RateLimit(perSecond, burst);
    }

    /** {@code perMinute} per minute, bursts of {@code burst}. */
    public static RateLimit perMinute(double perMinute, int burst) {
        return new RateLimit(perMinute / 60.0, burst);
    }

    /** {@code count} per {@code period}, bursts of {@code burst}. */
    public static RateLimit per(Duration period, double count, int burst) {
        if (period == null || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        return new RateLimit(count * 1e9 / period.toNanos(), burst);
    }

    /** Nanoseconds to refill one token. */
    public double nanosPerToken() {
        return 1e9 / perSecond;
    }
}
