package dev.vicinity.core.internal;

import dev.vicinity.core.RateLimit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Token buckets by key, in this process: the one keyed rate limiter behind every node-local limit
 * (gateway frames per user, chat messages per user, and {@link dev.vicinity.core.LocalRateLimitStore}
 * for everything configured through the {@code RateLimitStore} SPI). Each key's bucket is a
 * {@link TokenBucket}; a key never seen, or whose bucket refilled completely, starts full.
 *
 * <p>Memory is one bucket per recently limited key: buckets that are full again are dropped by
 * {@link #purgeFull} and, opportunistically, every few thousand calls once more than
 * {@value #CLEANUP_ABOVE} are held. Dropping is safe against a racing {@link #tryAcquire}: a dropped
 * bucket is never used again, the caller retries with a fresh one.
 *
 * <p>Thread-safe; O(1) amortised per call.
 *
 * @param <K> the key type (a user id, a string); must have value equality
 */
public final class KeyedTokenBuckets<K> {
    private static final int CLEANUP_EVERY = 4096;
    private static final int CLEANUP_ABOVE = 10_000;

    private final ConcurrentHashMap<K, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();

    /** No buckets yet. */
    public KeyedTokenBuckets() {}

    /**
     * Takes one token of {@code key}'s bucket of rate {@code limit} at tick {@code nowNanos} (see
     * {@link TokenBucket#nanos}). The same key must always be used with the same limit.
     *
     * @return 0 if taken, otherwise the nanoseconds until one token will be available (nothing taken)
     */
    public long tryAcquire(K key, RateLimit limit, long nowNanos) {
        if ((calls.incrementAndGet() & (CLEANUP_EVERY - 1)) == 0 && buckets.size() > CLEANUP_ABOVE) {
            purgeFull(nowNanos);
        }
        while (true) {
            TokenBucket b = buckets.get(key); // first: the capturing lambda below is an allocation per call
            if (b == null) {
                b = buckets.computeIfAbsent(key, k -> new TokenBucket(limit, nowNanos));
            }
            long wait = b.tryTake(limit, nowNanos);
            if (wait >= 0) {
                return wait;
            }
            buckets.remove(key, b); // dropped by a racing purge: use a fresh one
        }
    }

    /** Drops the buckets that are full again at {@code nowNanos}. @return how many were dropped */
    public int purgeFull(long nowNanos) {
        int[] n = {0};
        buckets.values().removeIf(b -> {
            if (b.dropIfFull(nowNanos)) {
                n[0]++;
                return true;
            }
            return false;
        });
        return n[0];
    }

    /** Forgets {@code key}'s bucket (it starts full next time). */
    public void remove(K key) {
        buckets.remove(key);
    }

    /** Number of buckets held (for tests of bounded memory, and metrics). */
    public int size() {
        return buckets.size();
    }
}
