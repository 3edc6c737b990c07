package dev.vicinity.core;

import dev.vicinity.core.internal.Checks;
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
        Checks.finitePositive("perSecond", perSecond);
        Checks.atLeast("burst", burst, 1);
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
        Checks.positive("period", period);
        return new RateLimit(count * 1e9 / period.toNanos(), burst);
    }

    /** Nanoseconds to refill one token. */
    public double nanosPerToken() {
        return 1e9 / perSecond;
    }
}
