package dev.vicinity.testkit.geo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationSource;
import dev.vicinity.geo.PublicLocation;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.StoredLocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link LocationStore}, run unchanged by every adapter: versioned compare-and-set,
 * removal by version, the staleness scan, and exactly one winner among racing writers.
 *
 * <p>Ids are random per test and instants have millisecond precision, so a binding may share one
 * server-side keyspace across tests and may store time at millisecond precision.
 */
public abstract class LocationStoreContract {

    /** A store (it may already hold other tests' data). */
    protected abstract LocationStore createStore() throws Exception;

    /** The store under test, created before each test. */
    protected LocationStore store;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00.123Z");

    @BeforeEach
    void setUpStore() throws Exception {
        store = createStore();
    }

    /** A user id named {@code name}. */
    protected UserId user(String name) {
        return UserId.of(run + "-" + name);
    }

    /** A public location of {@code user} at the given coordinates and time. */
    protected PublicLocation location(UserId user, double lat, double lon, Instant at) {
        return new PublicLocation(user, GeoPoint.ofLatLon(lat, lon), LocationSource.PRECISE, 12.5, at);
    }

    @Test
    void unknownUserHasNoLocation() {
        assertThat(store.get(user("nobody"))).isEmpty();
    }

    @Test
    void insertWithVersionZeroStoresVersionOneAndRoundTripsEveryField() {
        UserId u = user("a");
        PublicLocation l = new PublicLocation(u, GeoPoint.ofLatLon(52.5, 13.4), LocationSource.MANUAL, 250.0, T0);
        Optional<StoredLocation> written = store.compareAndSet(0, l);
        assertThat(written).contains(new StoredLocation(l, 1));
        StoredLocation read = store.get(u).orElseThrow();
        assertThat(read.version()).isEqualTo(1);
        assertThat(read.location().user()).isEqualTo(u);
        assertThat(read.location().source()).isEqualTo(LocationSource.MANUAL);
        assertThat(read.location().accuracyMeters()).isEqualTo(250.0);
        assertThat(read.location().observedAt()).isEqualTo(T0);
        assertThat(read.location().cell().distanceTo(l.cell())).isLessThan(0.01);
    }

    @Test
    void compareAndSetWithStaleVersionWritesNothing() {
        UserId u = user("b");
        store.compareAndSet(0, location(u, 10, 10, T0));
        assertThat(store.compareAndSet(0, location(u, 11, 11, T0.plusSeconds(1)))).isEmpty();
        assertThat(store.compareAndSet(2, location(u, 11, 11, T0.plusSeconds(1)))).isEmpty();
        StoredLocation now = store.get(u).orElseThrow();
        assertThat(now.version()).isEqualTo(1);
        assertThat(now.location().observedAt()).isEqualTo(T0);
    }

    @Test
    void compareAndSetWithCurrentVersionIncrementsIt() {
        UserId u = user("c");
        store.compareAndSet(0, location(u, 10, 10, T0));
        Optional<StoredLocation> second = store.compareAndSet(1, location(u, 10.001, 10, T0.plusSeconds(5)));
        assertThat(second).isPresent();
        assertThat(second.get().version()).isEqualTo(2);
        assertThat(store.get(u).orElseThrow().version()).isEqualTo(2);
        assertThat(store.get(u).orElseThrow().location().observedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void removeNeedsTheCurrentVersion() {
        UserId u = user("d");
        store.compareAndSet(0, location(u, 1, 1, T0));
        store.compareAndSet(1, location(u, 1, 1, T0.plusSeconds(1)));
        assertThat(store.remove(u, 1)).isFalse();
        assertThat(store.get(u)).isPresent();
        assertThat(store.remove(u, 2)).isTrue();
        assertThat(store.get(u)).isEmpty();
        assertThat(store.remove(u, 2)).isFalse();
    }

    @Test
    void afterRemovalAUserStartsAgainAtVersionOne() {
        UserId u = user("e");
        store.compareAndSet(0, location(u, 1, 1, T0));
        store.remove(u, 1);
        assertThat(store.compareAndSet(1, location(u, 2, 2, T0))).isEmpty();
        assertThat(store.compareAndSet(0, location(u, 2, 2, T0))).map(StoredLocation::version).contains(1L);
    }

    @Test
    void usersAreIndependent() {
        UserId a = user("f1");
        UserId b = user("f2");
        store.compareAndSet(0, location(a, 1, 1, T0));
        assertThat(store.compareAndSet(0, location(b, 2, 2, T0))).isPresent();
        store.remove(a, 1);
        assertThat(store.get(b)).isPresent();
    }

    @Test
    void observedBeforeReturnsOnlyOlderLocationsUpToTheLimit() {
        Instant old = Instant.parse("2001-01-01T00:00:00Z"); // older than any other test's data
        List<UserId> olds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UserId u = user("old" + i);
            olds.add(u);
            store.compareAndSet(0, location(u, i, i, old.plusMillis(i)));
        }
        UserId fresh = user("fresh");
        store.compareAndSet(0, location(fresh, 0, 0, old.plusSeconds(3600)));

        List<StoredLocation> before = store.observedBefore(old.plusSeconds(60), 100);
        List<UserId> mine = before.stream().map(s -> s.location().user())
                .filter(u -> u.value().startsWith(run)).toList();
        assertThat(mine).containsExactlyInAnyOrderElementsOf(olds);
        assertThat(store.observedBefore(old.plusSeconds(60), 2)).hasSizeLessThanOrEqualTo(2).isNotEmpty();
        assertThat(store.observedBefore(old.plusMillis(2), 100).stream()
                .filter(s -> s.location().user().value().startsWith(run))
                .map(s -> s.location().user())).containsExactlyInAnyOrder(olds.get(0), olds.get(1));
        for (StoredLocation s : before) {
            assertThat(s.location().observedAt()).isBefore(old.plusSeconds(60));
        }
    }

    @Test
    void racingWritersWithTheSameExpectedVersionHaveExactlyOneWinner() throws Exception {
        int threads = 8;
        for (int round = 0; round < 20; round++) {
            UserId u = user("race" + round);
            store.compareAndSet(0, location(u, 0, 0, T0));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int lat = t + 1;
                results.add(pool.submit(() -> {
                    start.await();
                    return store.compareAndSet(1, location(u, lat, 0, T0.plusSeconds(lat))).isPresent();
                }));
            }
            start.countDown();
            int wins = 0;
            for (Future<Boolean> f : results) {
                wins += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            pool.shutdown();
            assertThat(wins).as("winners in round %d", round).isEqualTo(1);
            StoredLocation now = store.get(u).orElseThrow();
            assertThat(now.version()).isEqualTo(2);
            // The stored value is the winner's, whole (lat and time belong together).
            assertThat(now.location().observedAt()).isEqualTo(T0.plusSeconds(Math.round(now.location().cell().lat())));
        }
    }
}
