package dev.vicinity.gateway;

import dev.vicinity.core.RateLimit;
import dev.vicinity.core.UserId;
import dev.vicinity.core.internal.KeyedTokenBuckets;
import dev.vicinity.core.internal.TokenBucket;
import java.time.Clock;

/**
 * The inbound frame rate ({@link GatewayLimits#frameRate()}): one bucket per user on this node once
 * authenticated, and one per socket before that. A user's bucket outlives their connections
 * (reconnecting does not refill it); it is dropped by {@link #purge()} only once it has refilled
 * completely and so holds nothing to remember. Thread-safe.
 */
final class FrameBudget {
    private final RateLimit rate;
    private final Clock clock;
    private final KeyedTokenBuckets<UserId> users = new KeyedTokenBuckets<>();

    FrameBudget(RateLimit rate, Clock clock) {
        this.rate = rate;
        this.clock = clock;
    }

    /** A full bucket for a new socket's frames before authentication. */
    TokenBucket newConnectionBucket() {
        return new TokenBucket(rate, nowNanos());
    }

    /** 0 if {@code c} may send one more frame now (its user's bucket, or its own before authentication), else the nanoseconds to wait. */
    long take(GatewayConnection c) {
        UserId user = c.user();
        return user == null ? c.preAuthFrames().tryTake(rate, nowNanos()) : take(user);
    }

    /** 0 if {@code user} may send one more frame now, else the nanoseconds to wait. */
    long take(UserId user) {
        return users.tryAcquire(user, rate, nowNanos());
    }

    /** Drops the buckets that have refilled completely. */
    void purge() {
        users.purgeFull(nowNanos());
    }

    private long nowNanos() {
        return TokenBucket.nanos(clock.instant());
    }

    /** A wait in nanoseconds as the whole milliseconds of {@code retryAfterMs} (at least 1). */
    static long retryAfterMs(long waitNanos) {
        return Math.max(1, (waitNanos + 999_999) / 1_000_000);
    }
}
