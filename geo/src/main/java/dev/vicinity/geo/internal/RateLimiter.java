package dev.vicinity.geo.internal;

import dev.vicinity.core.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-user token bucket: {@code permits} tokens, refilled continuously at {@code permits / per}.
 * State is local to this instance (one node); idle users' buckets are dropped opportunistically,
 * so memory stays proportional to recently active users. Time comes from the injected clock.
 * Thread-safe; O(1) amortised per call.
 */
public final class RateLimiter {
    private static final int CLEANUP_EVERY = 4096;
    private static final int CLEANUP_ABOVE = 10_000;

    private final int permits;
    private final double nanosPerToken;
    private final long fullRefillNanos;
    private final Clock clock;
    private final ConcurrentHashMap<UserId, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();

    /** A limiter admitting bursts of {@code permits} and {@code permits} per {@code per} on average. */
    public RateLimiter(int permits, Duration per, Clock clock) {
        if (permits < 1 || per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("permits must be >= 1 and per positive");
        }
        this.permits = permits;
        this.nanosPerToken = (double) per.toNanos() / permits;
        this.fullRefillNanos = per.toNanos();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Takes one token for {@code user}.
     *
     * @return 0 if admitted, otherwise the wait in nanoseconds until a token is available
     */
    public long tryAcquire(UserId user) {
        long now = nanos(clock.instant());
        if ((calls.incrementAndGet() & (CLEANUP_EVERY - 1)) == 0 && buckets.size() > CLEANUP_ABOVE) {
            buckets.values().removeIf(b -> b.idleSince(now, fullRefillNanos));
        }
        Bucket b = buckets.computeIfAbsent(user, u -> new Bucket(permits, now));
        return b.take(now, permits, nanosPerToken);
    }

    /** Number of users with a bucket (for tests and metrics). */
    public int trackedUsers() {
        return buckets.size();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int permits, long now) {
            this.tokens = permits;
            this.last = now;
        }

        synchronized long take(long now, int permits, double nanosPerToken) {
            if (now > last) {
                tokens = Math.min(permits, tokens + (now - last) / nanosPerToken);
                last = now;
            }
            if (tokens >= 1.0) {
                tokens -= 1.0;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1.0 - tokens) * nanosPerToken));
        }

        synchronized boolean idleSince(long now, long fullRefillNanos) {
            return now - last >= fullRefillNanos;
        }
    }
}
