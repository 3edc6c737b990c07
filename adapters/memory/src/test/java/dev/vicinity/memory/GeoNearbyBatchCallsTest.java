package dev.vicinity.memory;

import dev.vicinity.geo.memory.InMemoryLocationStore;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import dev.vicinity.geo.memory.InMemoryBlockList;

import dev.vicinity.core.memory.InMemoryPresenceStore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.Lease;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.OnlineCheck;
import dev.vicinity.geo.ScoreProvider;
import dev.vicinity.core.MutableClock;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 20: a nearby query asks presence and the score provider once per distance bucket, whatever the
 * number of candidates. Presence is the real {@link InMemoryPresenceStore} behind a wrapper that counts
 * every read; the scores come from a real in-memory map through a counting batch provider.
 */
class GeoNearbyBatchCallsTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
    private static final double LAT = 52.52;
    private static final double LON = 13.405;
    /** Latitude offsets of three spots: about 200 m, 1.5 km and 4 km north (buckets < 500 m, 2 km, 5 km). */
    private static final double[] SPOTS = {0.0018, 0.0135, 0.036};

    /** Counts batch and single reads of the real store it wraps. */
    static final class CountingPresenceStore implements PresenceStore {
        final PresenceStore delegate;
        final AtomicInteger batchReads = new AtomicInteger();
        final AtomicInteger singleReads = new AtomicInteger();

        CountingPresenceStore(PresenceStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Acquired acquire(UserId user, DeviceId device, ConnectionId connection, NodeId node, Instant expiresAt) {
            return delegate.acquire(user, device, connection, node, expiresAt);
        }

        @Override
        public Optional<Lease> renew(ConnectionId connection, long generation, Instant expiresAt) {
            return delegate.renew(connection, generation, expiresAt);
        }

        @Override
        public Optional<Removed> release(ConnectionId connection, long generation, Instant offlineAt) {
            return delegate.release(connection, generation, offlineAt);
        }

        @Override
        public List<Lease> leasesOf(UserId user) {
            singleReads.incrementAndGet();
            return delegate.leasesOf(user);
        }

        @Override
        public Map<UserId, List<Lease>> leasesOf(Collection<UserId> users) {
            batchReads.incrementAndGet();
            return delegate.leasesOf(users);
        }

        @Override
        public void heartbeatNode(NodeId node, Instant expiresAt) {
            delegate.heartbeatNode(node, expiresAt);
        }

        @Override
        public SweepResult sweep(Instant now, Instant offlineAt, int limit) {
            return delegate.sweep(now, offlineAt, limit);
        }
    }

    /** One world: {@code candidates} users on three spots, of whom 12 are online; querier online too. */
    static final class World {
        final MutableClock clock = new MutableClock();
        final CountingPresenceStore store = new CountingPresenceStore(new InMemoryPresenceStore());
        final PresenceService presence = PresenceService.builder(store, NodeId.of("n1")).clock(clock).build();
        /** Every call a query makes to the location store, the index, the block list and the rate-limit store. */
        final AtomicInteger storeCalls = new AtomicInteger();
        final LocationService locations = LocationService.builder(
                counting(LocationStore.class, new InMemoryLocationStore(), storeCalls),
                counting(ProximityIndex.class, new InMemoryProximityIndex(250), storeCalls))
                .clock(clock).noUpdateRateLimit().build();
        final InMemoryBlockList blockTable = new InMemoryBlockList();
        final BlockList blocks = counting(BlockList.class, blockTable, storeCalls);
        final RateLimitStore limits = counting(RateLimitStore.class, new LocalRateLimitStore(), storeCalls);
        final AtomicInteger reportedBackendCalls = new AtomicInteger(-1);
        final Map<UserId, Double> scoreTable = new java.util.HashMap<>();
        final AtomicInteger scoreBatches = new AtomicInteger();
        final AtomicInteger scored = new AtomicInteger();
        final AtomicInteger reportedCalls = new AtomicInteger(-1);
        final UserId querier = UserId.of("querier");

        World(int candidates) {
            locations.submit(querier, LocationFix.precise(LAT, LON, 10, clock.instant()));
            for (int i = 0; i < candidates; i++) {
                UserId u = UserId.of("u" + i);
                locations.submit(u, LocationFix.precise(LAT + SPOTS[i % 3], LON, 10, clock.instant()));
                scoreTable.put(u, (double) (i % 5));
                if (i < 12) { // four online users per spot
                    presence.connect(u, DeviceId.of("d"), ConnectionId.of("c" + i));
                }
            }
            store.batchReads.set(0);
            store.singleReads.set(0);
            storeCalls.set(0);
        }

        ScoreProvider scores() {
            return ScoreProvider.batch(users -> {
                scoreBatches.incrementAndGet();
                scored.addAndGet(users.size());
                double[] s = new double[users.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = scoreTable.getOrDefault(users.get(i), Double.NaN);
                }
                return s;
            });
        }

        NearbyMatcher matcher(OnlineCheck online, ScoreProvider scores) {
            return NearbyMatcher.builder(locations, blocks, online)
                    .scoreProvider(scores)
                    .maxBucketScan(10_000) // rank whole buckets, so both worlds rank the same three
                    .cursorSecret(SECRET)
                    .rateLimit(1_000, java.time.Duration.ofSeconds(1))
                    .rateLimitStore(limits)
                    .listener(new VicinityListener() {
                        @Override
                        public void onNearbyBatchCalls(UserId q, int batchCalls) {
                            reportedCalls.set(batchCalls);
                        }

                        @Override
                        public void onNearbyBackendCalls(UserId q, int backendCalls) {
                            reportedBackendCalls.set(backendCalls);
                        }
                    })
                    .clock(clock)
                    .build();
        }
    }

    /** {@code delegate} behind a proxy that counts every call of an interface method (no Object method). */
    static <T> T counting(Class<T> type, T delegate, AtomicInteger calls) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return m.invoke(delegate, args);
            }
            calls.incrementAndGet();
            try {
                return m.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    @ParameterizedTest(name = "{0} candidates")
    @ValueSource(ints = {50, 2_000})
    void everyBackendCallOfAQueryIsReportedAndTheirNumberDoesNotGrowWithTheCandidates(int candidates) {
        World w = new World(candidates);
        NearbyMatcher matcher = w.matcher(OnlineCheck.batch(w.presence::onlineAmong), w.scores());

        matcher.nearby(NearbyQuery.of(w.querier, 5_000, 20));

        int presence = w.store.batchReads.get() + w.store.singleReads.get();
        // Rate limit, own location, block list, the first index read and at most one more per bucket edge
        // within the radius (default buckets within 5 km: 500 m, 1, 2, 3, 5 km); then the batch calls.
        assertThat(w.storeCalls.get()).as("store calls seen by the counting wrappers").isBetween(4, 4 + 5);
        assertThat(w.reportedBackendCalls.get())
                .isEqualTo(w.storeCalls.get() + presence + w.scoreBatches.get())
                .isEqualTo(w.storeCalls.get() + w.reportedCalls.get());
    }

    @ParameterizedTest(name = "{0} candidates")
    @ValueSource(ints = {50, 2_000})
    void oneBatchReadOfPresenceAndOneOfScoresPerBucket(int candidates) {
        World w = new World(candidates);
        NearbyMatcher matcher = w.matcher(OnlineCheck.batch(w.presence::onlineAmong), w.scores());

        // 12 online candidates and a page of 20: the query must rank all three buckets.
        NearbyPage page = matcher.nearby(NearbyQuery.of(w.querier, 5_000, 20));

        assertThat(page.matches()).hasSize(12).allMatch(m -> m.online());
        assertThat(w.store.batchReads.get()).isEqualTo(3);
        assertThat(w.store.singleReads.get()).isZero();
        assertThat(w.scoreBatches.get()).isEqualTo(3);
        assertThat(w.scored.get()).as("only online candidates are scored").isEqualTo(12);
        assertThat(w.reportedCalls.get()).isEqualTo(6);
    }

    @Test
    void sameCallCountsFor50And2000CandidatesInTheSameBuckets() {
        int[] calls = new int[2];
        int[] backend = new int[2];
        int[] reads = new int[2];
        int[] sizes = {50, 2_000};
        for (int k = 0; k < 2; k++) {
            World w = new World(sizes[k]);
            w.matcher(OnlineCheck.batch(w.presence::onlineAmong), w.scores()).nearby(NearbyQuery.of(w.querier, 5_000, 20));
            calls[k] = w.reportedCalls.get();
            backend[k] = w.reportedBackendCalls.get();
            reads[k] = w.store.batchReads.get() + w.store.singleReads.get();
        }
        assertThat(calls[1]).isEqualTo(calls[0]);
        // 50 candidates fit the first index read; 2,000 need a read per bucket edge: bounded by the buckets.
        assertThat(backend[0]).isEqualTo(4 + calls[0]);
        assertThat(backend[1]).isLessThanOrEqualTo(4 + 5 + calls[1]);
        assertThat(reads[1]).isEqualTo(reads[0]).isEqualTo(3);
    }

    @Test
    void includingOfflineUsersScoresPerBucketAndAsksPresenceOnceForThePage() {
        World w = new World(2_000);
        NearbyMatcher matcher = w.matcher(OnlineCheck.batch(w.presence::onlineAmong), w.scores());

        NearbyPage page = matcher.nearby(NearbyQuery.of(w.querier, 5_000, 20).withOffline());

        assertThat(page.matches()).hasSize(20);
        assertThat(w.store.batchReads.get()).isEqualTo(1);
        assertThat(w.store.singleReads.get()).isZero();
        // Bucket < 500 m holds 667 users, more than the page: it is the only one ranked.
        assertThat(w.scoreBatches.get()).isEqualTo(1);
        assertThat(w.reportedCalls.get()).isEqualTo(2);
        // The page's online flags are presence's answer.
        page.matches().forEach(m -> assertThat(m.online()).isEqualTo(w.presence.isOnline(m.user())));
    }

    @Test
    void singleUserCallbacksStillWorkAndGiveTheSamePages() {
        World w = new World(2_000);
        NearbyMatcher batched = w.matcher(OnlineCheck.batch(w.presence::onlineAmong), w.scores());
        NearbyMatcher single = w.matcher(w.presence::isOnline, u -> w.scoreTable.getOrDefault(u, Double.NaN));
        for (NearbyQuery q : List.of(NearbyQuery.of(w.querier, 5_000, 20), NearbyQuery.of(w.querier, 1_000, 5),
                NearbyQuery.of(w.querier, 5_000, 50).withOffline())) {
            assertThat(single.nearby(q)).isEqualTo(batched.nearby(q));
        }
        assertThat(w.store.singleReads.get()).as("the single-user form is still asked per user").isPositive();
    }
}
