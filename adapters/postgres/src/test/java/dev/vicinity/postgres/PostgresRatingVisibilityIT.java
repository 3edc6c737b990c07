package dev.vicinity.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingAuditStore.Snapshot;
import dev.vicinity.testkit.ClassResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transaction boundaries seen from outside: while writers insert, reveal and withdraw ratings of one
 * ratee on their own connections, readers on other connections never see an aggregate that differs from
 * the recount of the ratings they see in the same snapshot (no partial write is ever visible), and the
 * platform histogram equals the ratee's once everything is quiet.
 */
class PostgresRatingVisibilityIT {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final UserId RATEE = UserId.of("popular");
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    @Test
    void readersNeverSeeAnAggregateWithoutItsRatingChange() throws Exception {
        PostgresRatingStore store = PG.get().ratingStore();
        int writers = 6;
        int perWriter = 60;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger snapshots = new AtomicInteger();
        List<String> violations = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                fs.add(pool.submit(() -> {
                    go.await();
                    Random rnd = new Random(writer);
                    for (int i = 0; i < perWriter; i++) {
                        RatingKey key = RatingKey.of(SessionId.of("w" + writer + "-" + i), UserId.of("r" + writer), RATEE);
                        boolean revealNow = rnd.nextBoolean();
                        Rating r = Rating.create(key, 1 + rnd.nextInt(5), Set.of(), null, null,
                                revealNow ? RatingState.REVEALED : RatingState.SEALED, T0, T0.plusSeconds(60));
                        store.insertIfAbsent(r);
                        Rating current = r;
                        if (!revealNow) {
                            current = r.withState(RatingState.REVEALED, T0);
                            store.compareAndSet(1, current);
                        }
                        if (rnd.nextInt(3) == 0) {
                            store.compareAndSet(current.version(), current.withState(RatingState.WITHDRAWN, T0));
                        }
                    }
                    return null;
                }));
            }
            for (int rd = 0; rd < 2; rd++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    while (writing.get()) {
                        Snapshot s = store.snapshot(RATEE);
                        StarHistogram recount = StarHistogram.recount(s.ratings());
                        if (!s.stored().equals(recount)) {
                            synchronized (violations) {
                                violations.add("stored " + s.stored() + " recount " + recount);
                            }
                        }
                        snapshots.incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (int w = 0; w < writers; w++) {
                fs.get(w).get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(snapshots.get()).as("readers ran concurrently").isGreaterThan(10);
        assertThat(violations).isEmpty();
        Snapshot end = store.snapshot(RATEE);
        assertThat(end.ratings()).hasSize(writers * perWriter);
        assertThat(end.stored()).isEqualTo(StarHistogram.recount(end.ratings()));
        assertThat(end.stored().count()).isPositive();
        assertThat(store.platformAggregate()).isEqualTo(end.stored());
    }
}
