package dev.vicinity.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.RateLimit;
import dev.vicinity.core.UserId;
import org.junit.jupiter.api.Test;

/** The one keyed token bucket (formerly chat's RateLimiter; same cases). */
class KeyedTokenBucketsTest {
    private static final long SECOND = 1_000_000_000L;
    private final UserId a = UserId.of("a");
    private final UserId b = UserId.of("b");

    @Test
    void burstThenRefillAtTheRate() {
        Limiter r = new Limiter(2, 3);
        long t = 10 * SECOND;
        assertThat(r.tryAcquire(a, t)).isZero();
        assertThat(r.tryAcquire(a, t)).isZero();
        assertThat(r.tryAcquire(a, t)).isZero();
        assertThat(r.tryAcquire(a, t)).isEqualTo(SECOND / 2);
        assertThat(r.tryAcquire(b, t)).isZero();
        assertThat(r.tryAcquire(a, t + SECOND / 4)).isEqualTo(SECOND / 4);
        assertThat(r.tryAcquire(a, t + SECOND / 2)).isZero();
        assertThat(r.tryAcquire(a, t + SECOND / 2)).isPositive();
    }

    @Test
    void refillNeverExceedsTheBurstAndFullBucketsArePurged() {
        Limiter r = new Limiter(1, 2);
        r.tryAcquire(a, 0);
        r.tryAcquire(b, 0);
        r.tryAcquire(b, 0);
        assertThat(r.purgeFull(SECOND / 2)).isZero();
        assertThat(r.purgeFull(SECOND)).isEqualTo(1); // a is full again, b still has 1 token
        assertThat(r.size()).isEqualTo(1);
        long later = 100 * SECOND;
        assertThat(r.tryAcquire(b, later)).isZero();
        assertThat(r.tryAcquire(b, later)).isZero();
        assertThat(r.tryAcquire(b, later)).isPositive();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RateLimit(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimit(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimit(Double.POSITIVE_INFINITY, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aClockSteppingBackMintsNoTokens() {
        Limiter r = new Limiter(1, 1);
        assertThat(r.tryAcquire(a, 10 * SECOND)).isZero();
        assertThat(r.tryAcquire(a, 5 * SECOND)).isPositive();
        assertThat(r.tryAcquire(a, 10 * SECOND + SECOND / 2)).isEqualTo(SECOND / 2);
    }

    /** One limit over the keyed buckets, as chat and the gateway use them. */
    private static final class Limiter {
        final KeyedTokenBuckets<UserId> buckets = new KeyedTokenBuckets<>();
        final RateLimit limit;

        Limiter(double perSecond, int burst) {
            limit = new RateLimit(perSecond, burst);
        }

        long tryAcquire(UserId user, long now) {
            return buckets.tryAcquire(user, limit, now);
        }

        int purgeFull(long now) {
            return buckets.purgeFull(now);
        }

        int size() {
            return buckets.size();
        }
    }
}
