package dev.vicinity.core;

import dev.vicinity.core.spi.RateLimitStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-process {@link RateLimitStore}: token buckets in a concurrent map, so limits hold per node
 * (a client spreading its requests over N nodes gets N times the budget; use a distributed store such
 * as {@code RedisRateLimitStore} for cluster-wide limits). Buckets idle long enough to be full again
 * are dropped opportunistically, so memory stays proportional to recently active keys.
 *
 * <p>Thread-safe; O(1) amortised per call (a bucket is one small monitor).
 */
public final class LocalRateLimitStore implements RateLimitStore {
    private static final int CLEANUP_EVERY = 4096;
    private static final int CLEANUP_ABOVE = 10_000;

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();

    /** An empty store. */
    public LocalRateLimitStore() {}

    @Override
    public Duration tryAcquire(String key, double permitsPerSecond, int burst, Instant now) {
        RateLimitStore.checkArguments(key, permitsPerSecond, burst);
        Objects.requireNonNull(now, "now");
        long t = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        double nanosPerToken = 1e9 / permitsPerSecond;
        if ((calls.incrementAndGet() & (CLEANUP_EVERY - 1)) == 0 && buckets.size() > CLEANUP_ABOVE) {
            buckets.values().removeIf(b -> b.fullAt(t));
        }
        while (true) {
            Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, t));
            long wait = b.take(t, burst, nanosPerToken);
            if (wait >= 0) {
                return wait == 0 ? Duration.ZERO : Duration.ofNanos(wait);
            }
            // The bucket was dropped by a cleanup between lookup and take: use a fresh one.
        }
    }

    /** Number of buckets held (for tests and metrics). */
    public int size() {
        return buckets.size();
    }

    private static final class Bucket {
        private double tokens;
        private long last;
        private long fullAt;
        private boolean dropped;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.last = now;
        }

        /** 0 if taken, the wait in ns if not, -1 if this bucket was dropped. */
        synchronized long take(long now, int burst, double nanosPerToken) {
            if (dropped) {
                return -1;
            }
            if (now > last) {
                tokens = Math.min(burst, tokens + (now - last) / nanosPerToken);
                last = now;
            }
            if (tokens >= 1.0) {
                tokens -= 1.0;
                fullAt = last + (long) Math.ceil((burst - tokens) * nanosPerToken);
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1.0 - tokens) * nanosPerToken));
        }

        synchronized boolean fullAt(long now) {
            if (now >= fullAt) {
                dropped = true;
            }
            return dropped;
        }
    }
}
