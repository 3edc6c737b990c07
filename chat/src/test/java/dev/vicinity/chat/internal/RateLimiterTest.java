package dev.vicinity.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.UserId;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private final UserId a = UserId.of("a");
    private final UserId b = UserId.of("b");

    @Test
    void burstThenRefillAtTheRate() {
        RateLimiter r = new RateLimiter(2, 3);
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
        RateLimiter r = new RateLimiter(1, 2);
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
        assertThatThrownBy(() -> new RateLimiter(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
