package dev.vicinity.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The versioning of {@link CachedRatingStore} under races the contracts cannot force: a read-through that
 * read the delegate before a write committed tries to cache its stale value after the write and loses;
 * hits never touch the delegate; two nodes see each other's writes; and a Redis outage between the
 * delegate's commit and the invalidation never lets the old value be served once Redis is back.
 */
class CachedRatingStoreRaceIT {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final UserId ALICE = UserId.of("alice");
    private static final UserId BOB = UserId.of("bob");
    private static final UserId CAROL = UserId.of("carol");

    @RegisterExtension
    final KeyPrefixes prefixes = new KeyPrefixes();

    private String prefix() {
        String p = prefixes.next("rating-cache-race");
        return p;
    }

    private static Rating revealed(UserId rater, UserId ratee, int stars) {
        return Rating.create(RatingKey.of(SessionId.of("s-" + rater.value()), rater, ratee), stars, Set.of(), null, null,
                RatingState.REVEALED, T0, T0);
    }

    @Test
    void aStaleReadThroughCannotOverwriteTheValueCachedByANewerWrite() throws Exception {
        GatedStore delegate = new GatedStore(new InMemoryRatingStore());
        String prefix = prefix();
        CachedRatingStore cache = CachedRatingStore.builder(RedisTestSupport.connection(), delegate)
                .keyPrefix(prefix).build();

        // The reader misses, reads generation 0 and the (empty) delegate, then stalls before caching it.
        CompletableFuture<StarHistogram> staleRead = new CompletableFuture<>();
        Thread reader = new Thread(() -> staleRead.complete(cache.aggregate(BOB)));
        delegate.gate(reader.getId());
        reader.start();
        assertThat(delegate.reached.await(10, TimeUnit.SECONDS)).isTrue();

        // A write commits and caches the new aggregate under generation 1.
        cache.insertIfAbsent(revealed(ALICE, BOB, 5));
        assertThat(cachedFields(prefix, BOB)).containsEntry("v", "1").containsEntry("5", "1");

        delegate.release.countDown();
        assertThat(staleRead.get(10, TimeUnit.SECONDS)).isEqualTo(StarHistogram.EMPTY); // it began before the write
        reader.join(10_000);

        assertThat(cache.rejectedStalePuts()).isEqualTo(1);
        assertThat(cachedFields(prefix, BOB)).containsEntry("v", "1").containsEntry("5", "1");
        int delegateReads = delegate.aggregateReads.get();
        assertThat(cache.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(5));
        assertThat(delegate.aggregateReads.get()).as("a hit does not read the delegate").isEqualTo(delegateReads);
    }

    @Test
    void aBatchReadCachesItsMissesWithOneDelegateReadAndTheNextBatchIsServedFromRedis() {
        GatedStore delegate = new GatedStore(new InMemoryRatingStore());
        String prefix = prefix();
        CachedRatingStore cache = CachedRatingStore.builder(RedisTestSupport.connection(), delegate)
                .keyPrefix(prefix).refreshAfterWrite(false).build();
        cache.insertIfAbsent(revealed(ALICE, BOB, 4));
        List<UserId> bucket = new ArrayList<>(List.of(BOB, CAROL));
        for (int i = 0; i < 200; i++) {
            bucket.add(UserId.of("never-rated-" + i));
        }

        Map<UserId, StarHistogram> first = cache.aggregates(bucket);

        assertThat(first).hasSize(202).containsEntry(BOB, StarHistogram.EMPTY.plus(4))
                .containsEntry(CAROL, StarHistogram.EMPTY);
        assertThat(delegate.batchReads.get()).as("the misses are read in one batch").isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(202);
        assertThat(cachedFields(prefix, BOB)).containsEntry("v", "1").containsEntry("4", "1");

        Map<UserId, StarHistogram> second = cache.aggregates(bucket);

        assertThat(second).isEqualTo(first);
        assertThat(delegate.batchReads.get()).as("every entry is a hit now").isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(202);
    }

    @Test
    void aStaleBatchReadThroughCannotOverwriteTheValueCachedByANewerWrite() throws Exception {
        GatedStore delegate = new GatedStore(new InMemoryRatingStore());
        String prefix = prefix();
        CachedRatingStore cache = CachedRatingStore.builder(RedisTestSupport.connection(), delegate)
                .keyPrefix(prefix).build();

        // The batch reader misses BOB and CAROL, reads their generations (0) and stalls in the delegate.
        CompletableFuture<Map<UserId, StarHistogram>> staleRead = new CompletableFuture<>();
        Thread reader = new Thread(() -> staleRead.complete(cache.aggregates(List.of(BOB, CAROL))));
        delegate.gate(reader.getId());
        reader.start();
        assertThat(delegate.reached.await(10, TimeUnit.SECONDS)).isTrue();

        cache.insertIfAbsent(revealed(ALICE, BOB, 5)); // commits and caches BOB under generation 1

        delegate.release.countDown();
        Map<UserId, StarHistogram> read = staleRead.get(10, TimeUnit.SECONDS);
        reader.join(10_000);

        assertThat(cache.rejectedStalePuts()).as("the stale put of BOB is refused").isGreaterThanOrEqualTo(1);
        assertThat(cachedFields(prefix, BOB)).containsEntry("v", "1").containsEntry("5", "1");
        assertThat(cache.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(5));
        assertThat(read).containsKeys(BOB, CAROL);
    }

    @Test
    void aStaleReadThroughAfterAnInvalidationLeavesTheEntryEmptyAndTheNextReadIsFresh() throws Exception {
        GatedStore delegate = new GatedStore(new InMemoryRatingStore());
        String prefix = prefix();
        CachedRatingStore cache = CachedRatingStore.builder(RedisTestSupport.connection(), delegate)
                .keyPrefix(prefix).refreshAfterWrite(false).build();
        cache.insertIfAbsent(revealed(ALICE, BOB, 2));

        CompletableFuture<StarHistogram> staleRead = new CompletableFuture<>();
        Thread reader = new Thread(() -> staleRead.complete(cache.aggregate(BOB)));
        delegate.gate(reader.getId());
        reader.start();
        assertThat(delegate.reached.await(10, TimeUnit.SECONDS)).isTrue();

        cache.insertIfAbsent(revealed(CAROL, BOB, 4)); // generation 1 -> 2, value deleted
        delegate.release.countDown();
        assertThat(staleRead.get(10, TimeUnit.SECONDS)).isEqualTo(StarHistogram.EMPTY.plus(2));
        reader.join(10_000);

        assertThat(cache.rejectedStalePuts()).isEqualTo(1);
        assertThat(cachedFields(prefix, BOB)).isEmpty();
        assertThat(cache.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(2).plus(4));
        assertThat(cachedFields(prefix, BOB)).containsEntry("v", "2");
    }

    @Test
    void manyConcurrentReadersAndWritersEndWithTheDelegatesValue() throws Exception {
        InMemoryRatingStore delegate = new InMemoryRatingStore();
        String prefix = prefix();
        CachedRatingStore cache = CachedRatingStore.builder(RedisTestSupport.connection(), delegate)
                .keyPrefix(prefix).refreshAfterWrite(false).build();
        int writers = 4;
        int perWriter = 25;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            all.add(CompletableFuture.runAsync(() -> {
                awaitStart(start);
                for (int i = 0; i < perWriter; i++) {
                    UserId rater = UserId.of("r" + writer + "-" + i);
                    cache.insertIfAbsent(revealed(rater, BOB, 1 + (i % 5)));
                }
            }));
            all.add(CompletableFuture.runAsync(() -> {
                awaitStart(start);
                for (int i = 0; i < perWriter * 2; i++) {
                    cache.aggregate(BOB);
                    cache.platformAggregate();
                }
            }));
        }
        start.countDown();
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);

        assertThat(cache.aggregate(BOB)).isEqualTo(delegate.aggregate(BOB));
        assertThat(cache.aggregate(BOB).count()).isEqualTo(writers * perWriter);
        assertThat(cache.platformAggregate()).isEqualTo(delegate.platformAggregate());
    }

    @Test
    void twoNodesSeeEachOthersWrites() {
        InMemoryRatingStore shared = new InMemoryRatingStore();
        String prefix = prefix();
        CachedRatingStore nodeA = CachedRatingStore.builder(RedisTestSupport.connection(), shared).keyPrefix(prefix).build();
        CachedRatingStore nodeB = CachedRatingStore.builder(RedisTestSupport.connection(), shared).keyPrefix(prefix).build();

        assertThat(nodeB.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
        assertThat(nodeB.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY);
        assertThat(nodeB.hits()).isEqualTo(1);

        nodeA.insertIfAbsent(revealed(ALICE, BOB, 3));
        assertThat(nodeB.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(3));
        assertThat(nodeB.platformAggregate()).isEqualTo(StarHistogram.EMPTY.plus(3));
        // A sealed rating changes no aggregate and needs no invalidation.
        long hits = nodeB.hits();
        nodeA.insertIfAbsent(Rating.create(RatingKey.of(SessionId.of("s9"), CAROL, BOB), 1, Set.of(), null, null,
                RatingState.SEALED, T0, T0.plusSeconds(60)));
        assertThat(nodeB.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(3));
        assertThat(nodeB.hits()).isEqualTo(hits + 1);
    }

    @Test
    void anInvalidationLostToAnOutageIsRetriedBeforeTheOldValueIsServedAgain() throws Exception {
        try (PrivateRedisServer server = new PrivateRedisServer()) {
            server.start();
            RedisClient client = RedisClient.create(RedisURI.create(server.uri()));
            client.setOptions(ClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.setTimeout(Duration.ofSeconds(2));
                InMemoryRatingStore delegate = new InMemoryRatingStore();
                CachedRatingStore cache = CachedRatingStore.builder(connection, delegate).keyPrefix("t").build();
                cache.insertIfAbsent(revealed(ALICE, BOB, 5));
                assertThat(cache.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(5));
                assertThat(cache.hits()).isEqualTo(1);

                server.kill();
                await().atMost(Duration.ofSeconds(10)).until(() -> !connection.isOpen());
                // Reads fall back to the delegate; a write commits even though Redis cannot be told.
                assertThat(cache.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(5));
                assertThat(cache.insertIfAbsent(revealed(CAROL, BOB, 1))).isInstanceOf(RatingStore.InsertResult.Inserted.class);
                assertThat(cache.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(5).plus(1));

                server.start(); // the append-only file brings the old cached value back
                await().atMost(Duration.ofSeconds(30)).until(connection::isOpen);
                assertThat(fields(connection.sync().get("t:ragg:{u:bob}:s"))).containsEntry("5", "1");
                assertThat(cache.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(5).plus(1));
                assertThat(cache.aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(5).plus(1));
                assertThat(fields(connection.sync().get("t:ragg:{u:bob}:s"))).containsEntry("1", "1").containsEntry("5", "1");
            } finally {
                client.shutdown();
            }
        }
    }

    /** The cached value of {@code user} as fields {@code v} (its generation) and {@code 1..5}; empty if none. */
    private static Map<String, String> cachedFields(String prefix, UserId user) {
        return fields(RedisTestSupport.connection().sync().get(prefix + ":ragg:{u:" + user.value() + "}:s"));
    }

    private static Map<String, String> fields(String value) {
        if (value == null) {
            return Map.of();
        }
        String[] p = value.split("\\|");
        return Map.of("v", p[0], "1", p[1], "2", p[2], "3", p[3], "4", p[4], "5", p[5]);
    }

    private static void awaitStart(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A delegate whose {@code aggregate} stalls one chosen thread after reading, until released. */
    private static final class GatedStore implements RatingStore {
        private final RatingStore inner;
        private volatile long gatedThread = -1;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger aggregateReads = new AtomicInteger();
        final AtomicInteger batchReads = new AtomicInteger();

        GatedStore(RatingStore inner) {
            this.inner = inner;
        }

        void gate(long threadId) {
            gatedThread = threadId;
        }

        @Override
        public StarHistogram aggregate(UserId ratee) {
            aggregateReads.incrementAndGet();
            StarHistogram value = inner.aggregate(ratee);
            if (Thread.currentThread().getId() == gatedThread) {
                reached.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return value;
        }

        @Override
        public Map<UserId, StarHistogram> aggregates(java.util.Collection<UserId> ratees) {
            batchReads.incrementAndGet();
            Map<UserId, StarHistogram> out = new java.util.HashMap<>();
            for (UserId u : ratees) {
                out.put(u, aggregate(u)); // gated like a single read
            }
            return out;
        }

        @Override
        public InsertResult insertIfAbsent(Rating rating) {
            return inner.insertIfAbsent(rating);
        }

        @Override
        public Optional<Rating> find(RatingKey key) {
            return inner.find(key);
        }

        @Override
        public boolean compareAndSet(long expectedVersion, Rating updated) {
            return inner.compareAndSet(expectedVersion, updated);
        }

        @Override
        public StarHistogram platformAggregate() {
            return inner.platformAggregate();
        }

        @Override
        public List<RatingKey> sealedDueBy(Instant now, int limit) {
            return inner.sealedDueBy(now, limit);
        }
    }
}
