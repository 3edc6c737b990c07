package dev.vicinity.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.spi.RateLimitStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link RateLimitStore}: token buckets with a burst and a continuous refill, keys
 * independent, time from the caller (never backwards), one token per caller under concurrency, and,
 * for a distributed store, one budget shared by every instance on the same backend. Bind it with
 * {@link #createStore()} and, for a distributed backend, {@link #createPeerStore()}.
 */
public abstract class RateLimitStoreContract {
    /** The instant every test starts at. */
    protected static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    /** The store under test, created before each test. */
    protected RateLimitStore store;
    /** A key prefix unique to this test, so tests on a shared backend do not see each other's buckets. */
    protected String ns;

    /** A fresh store (on a distributed backend: a fresh key prefix too). */
    protected abstract RateLimitStore createStore();

    /**
     * A second instance that must share the buckets of {@link #store} (another node of the same
     * cluster), or null for a store that is local to its instance.
     */
    protected @Nullable RateLimitStore createPeerStore() {
        return null;
    }

    @BeforeEach
    void setUpRateLimitStore() {
        store = createStore();
        ns = "t-" + UUID.randomUUID() + ":";
    }

    @Test
    void aFreshBucketAdmitsTheBurstThenReportsTheWaitForOneToken() {
        for (int i = 0; i < 5; i++) {
            assertThat(store.tryAcquire(ns + "u", 2.0, 5, T0)).isZero();
        }
        Duration wait = store.tryAcquire(ns + "u", 2.0, 5, T0);
        assertThat(wait).isPositive().isBetween(Duration.ofMillis(499), Duration.ofMillis(501));
        assertThat(store.tryAcquire(ns + "u", 2.0, 5, T0.plusMillis(200))).isBetween(Duration.ofMillis(299),
                Duration.ofMillis(301));
    }

    @Test
    void tokensRefillContinuouslyUpToTheBurst() {
        for (int i = 0; i < 3; i++) {
            assertThat(store.tryAcquire(ns + "u", 1.0, 3, T0)).isZero();
        }
        assertThat(store.tryAcquire(ns + "u", 1.0, 3, T0.plusMillis(999))).isPositive();
        assertThat(store.tryAcquire(ns + "u", 1.0, 3, T0.plusMillis(1_000))).isZero();
        assertThat(store.tryAcquire(ns + "u", 1.0, 3, T0.plusMillis(1_500))).isPositive();
        // A long idle period refills to the burst, not beyond.
        Instant later = T0.plusSeconds(3_600);
        for (int i = 0; i < 3; i++) {
            assertThat(store.tryAcquire(ns + "u", 1.0, 3, later)).isZero();
        }
        assertThat(store.tryAcquire(ns + "u", 1.0, 3, later)).isPositive();
    }

    @Test
    void keysAreIndependent() {
        assertThat(store.tryAcquire(ns + "a", 0.5, 1, T0)).isZero();
        assertThat(store.tryAcquire(ns + "a", 0.5, 1, T0)).isPositive();
        assertThat(store.tryAcquire(ns + "b", 0.5, 1, T0)).isZero();
        assertThat(store.tryAcquire(ns + "a:b", 0.5, 1, T0)).isZero();
    }

    @Test
    void aClockRunningBehindMintsNoTokens() {
        assertThat(store.tryAcquire(ns + "u", 1.0, 1, T0.plusSeconds(10))).isZero();
        assertThat(store.tryAcquire(ns + "u", 1.0, 1, T0)).isPositive();
        assertThat(store.tryAcquire(ns + "u", 1.0, 1, T0.plusSeconds(10))).isPositive();
        assertThat(store.tryAcquire(ns + "u", 1.0, 1, T0.plusSeconds(11))).isZero();
    }

    @Test
    void slowRatesAndSubSecondRatesAreExact() {
        // 30 per minute: the 31st call in one instant waits two seconds.
        for (int i = 0; i < 30; i++) {
            assertThat(store.tryAcquire(ns + "q", 0.5, 30, T0)).isZero();
        }
        assertThat(store.tryAcquire(ns + "q", 0.5, 30, T0)).isBetween(Duration.ofMillis(1_999), Duration.ofMillis(2_001));
        assertThat(store.tryAcquire(ns + "q", 0.5, 30, T0.plusMillis(2_000))).isZero();
    }

    @Test
    void concurrentCallersGetExactlyTheBurst() throws Exception {
        int threads = 8;
        int perThread = 50;
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (store.tryAcquire(ns + "hot", 1e-3, 37, T0).isZero()) {
                            admitted.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(admitted.get()).isEqualTo(37);
    }

    @Test
    void peersOnTheSameBackendShareOneBudget() {
        RateLimitStore peer = createPeerStore();
        if (peer == null) {
            return; // a local store: limits are per instance by definition
        }
        assertThat(store.tryAcquire(ns + "u", 1.0, 4, T0)).isZero();
        assertThat(peer.tryAcquire(ns + "u", 1.0, 4, T0)).isZero();
        assertThat(store.tryAcquire(ns + "u", 1.0, 4, T0)).isZero();
        assertThat(peer.tryAcquire(ns + "u", 1.0, 4, T0)).isZero();
        assertThat(store.tryAcquire(ns + "u", 1.0, 4, T0)).isPositive();
        assertThat(peer.tryAcquire(ns + "u", 1.0, 4, T0)).isPositive();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> store.tryAcquire("", 1, 1, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.tryAcquire(ns + "u", 0, 1, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.tryAcquire(ns + "u", Double.NaN, 1, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.tryAcquire(ns + "u", 1, 0, T0)).isInstanceOf(IllegalArgumentException.class);
    }
}
