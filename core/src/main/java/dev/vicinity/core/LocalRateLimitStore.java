package dev.vicinity.core;

import dev.vicinity.core.internal.KeyedTokenBuckets;
import dev.vicinity.core.internal.TokenBucket;
import dev.vicinity.core.spi.RateLimitStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The in-process {@link RateLimitStore}: token buckets in a concurrent map, so limits hold per node
 * (a client spreading its requests over N nodes gets N times the budget; use a distributed store such
 * as {@code RedisRateLimitStore} for cluster-wide limits). Buckets idle long enough to be full again
 * are dropped opportunistically, so memory stays proportional to recently active keys.
 *
 * <p>Thread-safe; O(1) amortised per call (a bucket is one small monitor).
 */
public final class LocalRateLimitStore implements RateLimitStore {
    private final KeyedTokenBuckets<String> buckets = new KeyedTokenBuckets<>();

    /** An empty store. */
    public LocalRateLimitStore() {}

    @Override
    public Duration tryAcquire(String key, double permitsPerSecond, int burst, Instant now) {
        RateLimitStore.checkArguments(key, permitsPerSecond, burst);
        Objects.requireNonNull(now, "now");
        long wait = buckets.tryAcquire(key, new RateLimit(permitsPerSecond, burst), TokenBucket.nanos(now));
        return wait == 0 ? Duration.ZERO : Duration.ofNanos(wait);
    }

    /** Number of buckets held (for tests and metrics). */
    public int size() {
        return buckets.size();
    }
}
