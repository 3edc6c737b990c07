package dev.vicinity.core.internal;

import java.time.Clock;

/**
 * A token bucket refilled continuously from an injected clock. Thread-safe (synchronized; contention
 * is per bucket). Used for per-user frame rates.
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double capacity;
    private final Clock clock;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double perSecond, int burst, Clock clock) {
        this.ratePerNano = perSecond / 1e9;
        this.capacity = burst;
        this.clock = clock;
        this.tokens = burst;
        this.lastNanos = nanos();
    }

    private long nanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Takes one token if available. */
    public synchronized boolean tryTake() {
        long now = nanos();
        if (now > lastNanos) {
            tokens = Math.min(capacity, tokens + (now - lastNanos) * ratePerNano);
            lastNanos = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether the bucket has refilled to its capacity by now (it then holds no information and can be dropped). */
    public synchronized boolean isFull() {
        long now = nanos();
        return tokens + Math.max(0, now - lastNanos) * ratePerNano >= capacity;
    }
}
