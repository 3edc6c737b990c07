package dev.vicinity.core.internal;

import dev.vicinity.core.RateLimit;
import java.time.Instant;

/**
 * One token bucket: the single rate-limit algorithm of Vicinity ({@link KeyedTokenBuckets} keeps one per
 * key; the gateway's per-connection pre-authentication budget is a lone one). Starts full. Time is a
 * nanosecond tick from the caller's injected clock ({@link #nanos(Instant)}), and is monotonic per
 * bucket: a tick earlier than the last one refills nothing, so a clock that steps back (or nodes with
 * skewed clocks sharing a key) can never mint tokens.
 *
 * <p>Thread-safe: one small monitor per bucket, held for a few arithmetic operations and never across a
 * call out (no I/O, so a virtual thread is not pinned for long).
 */
public final class TokenBucket {
    private double tokens;
    private long last;
    private long fullAt;
    private boolean dropped;

    /** A full bucket of {@code limit} at tick {@code nowNanos}. */
    public TokenBucket(RateLimit limit, long nowNanos) {
        this.tokens = limit.burst();
        this.last = nowNanos;
        this.fullAt = nowNanos;
    }

    /** The nanosecond tick of {@code instant} (epoch nanoseconds; good until the year 2262). */
    public static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /**
     * Takes one token at tick {@code nowNanos}.
     *
     * @return 0 if a token was taken; otherwise the nanoseconds until one is available (&gt; 0; nothing
     *     taken); -1 if this bucket was {@linkplain #dropIfFull dropped} (the caller uses a fresh one)
     */
    public synchronized long tryTake(RateLimit limit, long nowNanos) {
        if (dropped) {
            return -1;
        }
        double nanosPerToken = limit.nanosPerToken();
        if (nowNanos > last) {
            tokens = Math.min(limit.burst(), tokens + (nowNanos - last) / nanosPerToken);
            last = nowNanos;
        }
        if (tokens >= 1.0) {
            tokens -= 1.0;
            fullAt = last + (long) Math.ceil((limit.burst() - tokens) * nanosPerToken);
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1.0 - tokens) * nanosPerToken));
    }

    /**
     * Marks this bucket dropped if it has refilled completely by {@code nowNanos} (a full bucket holds no
     * information: a fresh one behaves the same). A dropped bucket answers -1 from then on.
     *
     * @return whether the bucket is dropped
     */
    public synchronized boolean dropIfFull(long nowNanos) {
        if (nowNanos >= fullAt) {
            dropped = true;
        }
        return dropped;
    }
}
