package dev.vicinity.core.spi;

import dev.vicinity.core.internal.Checks;
import java.time.Duration;
import java.time.Instant;

/**
 * Token buckets keyed by an arbitrary string: the one rate-limit primitive every Vicinity limit
 * uses (nearby queries, location updates; gateway frames and chat invites may reuse it). A bucket
 * holds at most {@code burst} tokens and refills continuously at {@code permitsPerSecond}; a new
 * bucket starts full. Each call takes one token if there is one.
 *
 * <p>Scope: {@link dev.vicinity.core.LocalRateLimitStore} keeps buckets in this process (limits
 * per node); a distributed implementation (e.g. {@code RedisRateLimitStore}) keeps them in the
 * shared backend, so a limit holds across the whole cluster however the caller's requests are
 * spread over nodes. Keys should carry a namespace (e.g. {@code "geo.nearby:" + user}); the same key
 * must always be used with the same rate and burst.
 *
 * <p>Time: {@code now} comes from the caller's injected clock. A bucket never goes back in time (an
 * earlier {@code now} than the bucket's last refill refills nothing), so nodes with slightly skewed
 * clocks cannot mint tokens.
 *
 * <p>Implementations are thread-safe and take one token atomically (no two callers get the same token).
 */
public interface RateLimitStore {

    /**
     * Takes one token from bucket {@code key}.
     *
     * @param key the bucket (any non-empty string)
     * @param permitsPerSecond refill rate, finite and &gt; 0
     * @param burst bucket capacity, &gt;= 1
     * @param now the caller's current time
     * @return {@link Duration#ZERO} if a token was taken, otherwise how long until one is available
     *     (positive; nothing was taken)
     * @throws IllegalArgumentException for an empty key, a rate that is not finite and positive, or a burst below 1
     */
    Duration tryAcquire(String key, double permitsPerSecond, int burst, Instant now);

    /** Checks the arguments of {@link #tryAcquire}, for implementations. */
    static void checkArguments(String key, double permitsPerSecond, int burst) {
        Checks.check(key != null && !key.isEmpty(), "rate-limit key must be non-empty");
        Checks.finitePositive("permitsPerSecond", permitsPerSecond);
        Checks.atLeast("burst", burst, 1);
    }
}
