package dev.vicinity.chat.internal;

import dev.vicinity.core.UserId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-user token buckets of one node: {@code burst} tokens, refilled at {@code perSecond}. Times are
 * nanoseconds on the caller's clock (so tests drive it). Thread-safe; each bucket is a small
 * synchronized object; memory is one bucket per user who sent recently ({@link #purgeFull} drops
 * buckets that refilled completely, which behave exactly like absent ones).
 */
public final class RateLimiter {
    private final double perNano;
    private final double burst;
    private final Map<UserId, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /** @param perSecond refill rate, positive; @param burst capacity, at least 1 */
    public RateLimiter(double perSecond, int burst) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("perSecond must be > 0 and burst >= 1");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
    }

    /**
     * Takes one token of {@code user} at time {@code nowNanos}.
     *
     * @return 0 if taken, otherwise the nanoseconds until one token will be available (nothing taken)
     */
    public long tryAcquire(UserId user, long nowNanos) {
        Bucket b = buckets.computeIfAbsent(user, u -> new Bucket(burst, nowNanos));
        synchronized (b) {
            refill(b, nowNanos);
            if (b.tokens >= 1.0) {
                b.tokens -= 1.0;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1.0 - b.tokens) / perNano));
        }
    }

    /** Drops buckets that are full again at {@code nowNanos}. @return how many were dropped */
    public int purgeFull(long nowNanos) {
        int[] n = {0};
        buckets.entrySet().removeIf(e -> {
            Bucket b = e.getValue();
            synchronized (b) {
                refill(b, nowNanos);
                if (b.tokens >= burst) {
                    n[0]++;
                    return true;
                }
                return false;
            }
        });
        return n[0];
    }

    /** Number of buckets held (for tests of bounded memory). */
    public int size() {
        return buckets.size();
    }

    private void refill(Bucket b, long now) {
        if (now > b.at) {
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * perNano);
            b.at = now;
        }
    }
}
