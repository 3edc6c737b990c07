package dev.vicinity.testkit.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.ProximityIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link ProximityIndex}, run unchanged by every adapter. Results are checked against a
 * brute force over the canonical {@link GeoDistance} with the SPI's tolerance of 0.7 % + 1 m, only
 * at the radius edge and at the {@code limit}-th distance: random points in a city, across the
 * antimeridian and near ±85° latitude; moves and removals; and queries racing updates.
 */
public abstract class ProximityIndexContract {

    /** A new, empty index. */
    protected abstract ProximityIndex createIndex() throws Exception;

    /** The index under test, created before each test. */
    protected ProximityIndex index;
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00.250Z");

    @BeforeEach
    void setUpIndex() throws Exception {
        index = createIndex();
    }

    /** The {@code i}-th test user. */
    protected static UserId user(int i) {
        return UserId.of("u" + i);
    }

    /** The tolerance band of the SPI around a distance {@code d}. */
    protected static double tolerance(double d) {
        return 0.007 * d + 1.0;
    }

    @Test
    void emptyIndexHasNoCandidates() {
        assertThat(index.candidates(GeoPoint.ofLatLon(52.52, 13.405), 10_000, 10)).isEmpty();
        assertThat(index.size()).isZero();
    }

    @Test
    void findsAnUpsertedUserWithItsPositionAndTime() {
        GeoPoint p = GeoPoint.ofLatLon(52.52, 13.405);
        index.upsert(user(1), p, T0);
        List<Candidate> found = index.candidates(GeoPoint.ofLatLon(52.521, 13.405), 1_000, 10);
        assertThat(found).hasSize(1);
        Candidate c = found.get(0);
        assertThat(c.user()).isEqualTo(user(1));
        assertThat(GeoDistance.meters(c.point(), p)).isLessThanOrEqualTo(1.0);
        assertThat(c.observedAt()).isEqualTo(T0);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void excludesUsersBeyondTheRadius() {
        GeoPoint center = GeoPoint.ofLatLon(48.0, 2.0);
        index.upsert(user(1), GeoPoint.ofLatLon(48.0, 2.0), T0);
        index.upsert(user(2), GeoPoint.ofLatLon(48.1, 2.0), T0); // ~11.1 km north
        assertThat(index.candidates(center, 5_000, 10)).extracting(Candidate::user).containsExactly(user(1));
        assertThat(index.candidates(center, 12_000, 10)).extracting(Candidate::user).containsExactly(user(1), user(2));
    }

    @Test
    void returnsTheNearestFirstAndHonoursTheLimit() {
        GeoPoint center = GeoPoint.ofLatLon(10.0, 10.0);
        for (int i = 1; i <= 20; i++) {
            index.upsert(user(i), GeoPoint.ofLatLon(10.0 + i * 0.001, 10.0), T0); // user i at ~111 m * i
        }
        List<Candidate> five = index.candidates(center, 50_000, 5);
        assertThat(five).extracting(Candidate::user).containsExactly(user(1), user(2), user(3), user(4), user(5));
        List<Candidate> all = index.candidates(center, 50_000, Integer.MAX_VALUE);
        assertThat(all).hasSize(20);
        for (int i = 1; i < all.size(); i++) {
            assertThat(GeoDistance.meters(center, all.get(i).point()))
                    .isGreaterThanOrEqualTo(GeoDistance.meters(center, all.get(i - 1).point()) - 0.01);
        }
    }

    @Test
    void moveReplacesThePositionAndTheUserAppearsOnce() {
        index.upsert(user(1), GeoPoint.ofLatLon(0.0, 0.0), T0);
        index.upsert(user(1), GeoPoint.ofLatLon(0.5, 0.5), T0.plusSeconds(60));
        assertThat(index.candidates(GeoPoint.ofLatLon(0.0, 0.0), 1_000, 10)).isEmpty();
        List<Candidate> there = index.candidates(GeoPoint.ofLatLon(0.5, 0.5), 1_000, 10);
        assertThat(there).extracting(Candidate::user).containsExactly(user(1));
        assertThat(there.get(0).observedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(index.candidates(GeoPoint.ofLatLon(0.25, 0.25), 200_000, 10)).hasSize(1);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void removeDropsTheUser() {
        index.upsert(user(1), GeoPoint.ofLatLon(1.0, 1.0), T0);
        index.upsert(user(2), GeoPoint.ofLatLon(1.0, 1.0), T0);
        assertThat(index.remove(user(1))).isTrue();
        assertThat(index.remove(user(1))).isFalse();
        assertThat(index.remove(user(99))).isFalse();
        assertThat(index.candidates(GeoPoint.ofLatLon(1.0, 1.0), 100, 10)).extracting(Candidate::user).containsExactly(user(2));
        assertThat(index.size()).isEqualTo(1);
        index.upsert(user(1), GeoPoint.ofLatLon(1.0, 1.0), T0);
        assertThat(index.candidates(GeoPoint.ofLatLon(1.0, 1.0), 100, 10)).hasSize(2);
    }

    @Test
    void findsUsersAcrossTheAntimeridian() {
        index.upsert(user(1), GeoPoint.ofLatLon(-16.5, 179.999), T0);
        index.upsert(user(2), GeoPoint.ofLatLon(-16.5, -179.999), T0);
        index.upsert(user(3), GeoPoint.ofLatLon(-16.5, 179.5), T0); // ~53 km west
        GeoPoint center = GeoPoint.ofLatLon(-16.5, 180.0);
        assertThat(index.candidates(center, 1_000, 10)).extracting(Candidate::user).containsExactlyInAnyOrder(user(1), user(2));
        assertThat(index.candidates(GeoPoint.ofLatLon(-16.5, -179.9995), 1_000, 1)).extracting(Candidate::user).containsExactly(user(2));
    }

    @Test
    void findsUsersAcrossThePole() {
        index.upsert(user(1), GeoPoint.ofLatLon(89.99, 0.0), T0);
        index.upsert(user(2), GeoPoint.ofLatLon(89.99, 180.0), T0); // ~2.2 km away, across the pole
        index.upsert(user(3), GeoPoint.ofLatLon(89.99, 90.0), T0);
        assertThat(index.candidates(GeoPoint.ofLatLon(89.99, 0.0), 2_300, 10)).extracting(Candidate::user)
                .containsExactlyInAnyOrder(user(1), user(2), user(3));
        assertThat(index.candidates(GeoPoint.ofLatLon(90.0, 0.0), 1_200, 10)).hasSize(3);
    }

    @Test
    void findsUsersAtAndAroundTheRedisGeoLatitudeLimit() {
        // 85.05112878 is where Redis' GEO commands end; a backend must find users on either side and on it.
        double[] lats = {85.05112878, 85.0511287, 85.0511288, 85.0511, 85.05, 85.06, -85.05112878, -85.0511, -85.06};
        Map<UserId, GeoPoint> truth = new HashMap<>();
        for (int i = 0; i < lats.length; i++) {
            GeoPoint p = GeoPoint.ofLatLon(lats[i], 20.0 + i * 1e-4);
            index.upsert(user(i), p, T0);
            truth.put(user(i), p);
        }
        for (int i = 0; i < lats.length; i++) {
            GeoPoint p = Objects.requireNonNull(truth.get(user(i)));
            assertThat(index.candidates(p, 1, 1)).as("a query on the user at %s", lats[i])
                    .extracting(Candidate::user).containsExactly(user(i));
            assertThat(index.candidates(GeoPoint.ofLatLon(Math.signum(lats[i]) * 85.0, 20.0), 20_000, Integer.MAX_VALUE))
                    .extracting(Candidate::user).contains(user(i));
            assertAgrees(truth, p, 2_000, 4);
            assertAgrees(truth, p, 2_000, Integer.MAX_VALUE);
        }
    }

    @Test
    void answersNearAThousandUsersOnOneSpot() {
        Map<UserId, GeoPoint> truth = new HashMap<>();
        GeoPoint spot = GeoPoint.ofLatLon(48.8566, 2.3522);
        for (int i = 0; i < 1_500; i++) {
            GeoPoint p = i < 1_200 ? spot : randomPoint(new Random(i), 48.8566, 2.3522, 0.01, 0.015);
            index.upsert(user(i), p, T0);
            truth.put(user(i), p);
        }
        for (GeoPoint c : new GeoPoint[] {spot, GeoPoint.ofLatLon(48.8567, 2.3522), GeoPoint.ofLatLon(48.86, 2.36)}) {
            for (int limit : new int[] {1, 20, 84, 1_000}) {
                assertAgrees(truth, c, 2_000, limit);
            }
        }
        assertThat(index.candidates(spot, 1, Integer.MAX_VALUE)).hasSize(1_200);
    }

    @Test
    void rejectsBadArguments() {
        GeoPoint c = GeoPoint.ofLatLon(0, 0);
        assertThatThrownBy(() -> index.candidates(c, -1, 10)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> index.candidates(c, Double.NaN, 10)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> index.candidates(c, Double.POSITIVE_INFINITY, 10)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> index.candidates(c, 100, 0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void forEachWithinVisitsExactlyTheUnlimitedCandidatesEachOnce() {
        Random rnd = new Random(11);
        for (int i = 0; i < 500; i++) {
            index.upsert(user(i), randomPoint(rnd, 52.52, 13.405, 0.05, 0.08), T0.plusNanos(i * 1_000_000L));
        }
        for (double radius : new double[] {200, 1_000, 4_000}) {
            GeoPoint c = randomPoint(rnd, 52.52, 13.405, 0.03, 0.05);
            Map<UserId, Candidate> expected = new HashMap<>();
            for (Candidate cand : index.candidates(c, radius, Integer.MAX_VALUE)) {
                expected.put(cand.user(), cand);
            }
            Map<UserId, Integer> visits = new HashMap<>();
            index.forEachWithin(c, radius, (user, lat, lon, sec, nano) -> {
                visits.merge(user, 1, Integer::sum);
                Candidate e = expected.get(user);
                assertThat(e).as("visited %s that candidates() does not return", user).isNotNull();
                assertThat(lat).isEqualTo(Objects.requireNonNull(e).point().lat());
                assertThat(lon).isEqualTo(e.point().lon());
                assertThat(Instant.ofEpochSecond(sec, nano)).isEqualTo(e.observedAt());
            });
            assertThat(visits.keySet()).as("radius %s", radius).isEqualTo(expected.keySet());
            assertThat(visits.values()).as("each visited once").allMatch(n -> n == 1);
        }
    }

    @Test
    void agreesWithBruteForceInACity() {
        checkAgainstBruteForce(new Random(1), 52.52, 13.405, 0.2, 0.3, 2_000, new double[] {300, 1_000, 5_000, 30_000});
    }

    @Test
    void agreesWithBruteForceAcrossTheAntimeridian() {
        checkAgainstBruteForce(new Random(2), 65.0, 180.0, 0.3, 1.0, 1_500, new double[] {1_000, 10_000, 60_000});
    }

    @Test
    void agreesWithBruteForceNearPlus85AndMinus85() {
        checkAgainstBruteForce(new Random(3), 85.0, -30.0, 0.3, 8.0, 1_500, new double[] {1_000, 10_000, 60_000});
        index = createIndexUnchecked();
        checkAgainstBruteForce(new Random(4), -85.0, 100.0, 0.3, 8.0, 1_500, new double[] {1_000, 10_000, 60_000});
    }

    @Test
    void agreesWithBruteForceAfterMovesAndRemovals() {
        Random rnd = new Random(5);
        Map<UserId, GeoPoint> truth = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            GeoPoint p = randomPoint(rnd, 40.0, -74.0, 0.1, 0.1);
            index.upsert(user(i), p, T0);
            truth.put(user(i), p);
        }
        for (int step = 0; step < 3_000; step++) {
            UserId u = user(rnd.nextInt(1_200));
            if (rnd.nextInt(5) == 0) {
                assertThat(index.remove(u)).isEqualTo(truth.remove(u) != null);
            } else {
                GeoPoint p = randomPoint(rnd, 40.0, -74.0, 0.1, 0.1);
                index.upsert(u, p, T0);
                truth.put(u, p);
            }
        }
        assertThat(index.size()).isEqualTo(truth.size());
        for (int q = 0; q < 50; q++) {
            GeoPoint c = randomPoint(rnd, 40.0, -74.0, 0.1, 0.1);
            assertAgrees(truth, c, 2_000, 1 + rnd.nextInt(60));
        }
    }

    @Test
    void queriesRacingUpdatesNeverSeeAUserTwice() throws Exception {
        int users = 400;
        Random seed = new Random(6);
        for (int i = 0; i < users; i++) {
            index.upsert(user(i), randomPoint(seed, 35.0, 139.0, 0.02, 0.02), T0);
        }
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger queries = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int ws = w;
            futures.add(pool.submit(() -> {
                Random r = new Random(100 + ws);
                go.await();
                int n = 0;
                while (!stop.get()) {
                    index.upsert(user(r.nextInt(users)), randomPoint(r, 35.0, 139.0, 0.02, 0.02), T0);
                    n++;
                }
                return n;
            }));
        }
        for (int q = 0; q < 2; q++) {
            int qs = q;
            futures.add(pool.submit(() -> {
                Random r = new Random(200 + qs);
                go.await();
                int n = 0;
                while (!stop.get()) {
                    List<Candidate> found = index.candidates(randomPoint(r, 35.0, 139.0, 0.02, 0.02), 1_500, 50);
                    Set<UserId> seen = new HashSet<>();
                    for (Candidate c : found) {
                        assertThat(seen.add(c.user())).as("duplicate %s", c.user()).isTrue();
                    }
                    assertThat(found).hasSizeLessThanOrEqualTo(50);
                    queries.incrementAndGet();
                    n++;
                }
                return n;
            }));
        }
        go.countDown();
        // A fixed amount of racing work (400 queries against continuous updates), not a duration;
        // a query thread that failed stops early and is reported by its future below.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> queries.get() >= 400 || futures.stream().anyMatch(Future::isDone));
        stop.set(true);
        for (Future<Integer> f : futures) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isPositive();
        }
        pool.shutdown();
        assertThat(index.size()).isEqualTo(users);
        assertThat(index.candidates(GeoPoint.ofLatLon(35.0, 139.0), 10_000, Integer.MAX_VALUE)).hasSize(users);
    }

    private ProximityIndex createIndexUnchecked() {
        try {
            return createIndex();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void checkAgainstBruteForce(Random rnd, double lat, double lon, double dLat, double dLon, int n, double[] radii) {
        Map<UserId, GeoPoint> truth = new HashMap<>();
        for (int i = 0; i < n; i++) {
            GeoPoint p = randomPoint(rnd, lat, lon, dLat, dLon);
            index.upsert(user(i), p, T0);
            truth.put(user(i), p);
        }
        for (int q = 0; q < 40; q++) {
            GeoPoint c = randomPoint(rnd, lat, lon, dLat, dLon);
            for (double r : radii) {
                assertAgrees(truth, c, r, Integer.MAX_VALUE);
                assertAgrees(truth, c, r, 1 + rnd.nextInt(50));
            }
            // Edge cases: points exactly at the radius of an existing point.
            GeoPoint some = Objects.requireNonNull(truth.get(user(rnd.nextInt(n))));
            assertAgrees(truth, c, GeoDistance.meters(c, some), 20);
        }
    }

    /** A point uniform in lat/lon within ±dLat, ±dLon of (lat, lon), clamped and wrapped. */
    protected static GeoPoint randomPoint(Random rnd, double lat, double lon, double dLat, double dLon) {
        double la = Math.max(-90, Math.min(90, lat + (rnd.nextDouble() * 2 - 1) * dLat));
        double lo = lon + (rnd.nextDouble() * 2 - 1) * dLon;
        lo = ((lo + 180) % 360 + 360) % 360 - 180;
        return GeoPoint.ofLatLon(la, lo);
    }

    /** The index's answer equals brute force except within the tolerance band at the edges. */
    protected void assertAgrees(Map<UserId, GeoPoint> truth, GeoPoint c, double radius, int limit) {
        List<Candidate> got = index.candidates(c, radius, limit);
        assertThat(got.size()).isLessThanOrEqualTo(limit);
        Set<UserId> gotIds = new HashSet<>();
        double prev = -1;
        List<String> wrong = new ArrayList<>();
        for (Candidate cand : got) {
            GeoPoint real = truth.get(cand.user());
            if (!gotIds.add(cand.user()) || real == null) {
                wrong.add(cand.user() + " duplicate or unknown");
                continue;
            }
            double d = GeoDistance.meters(c, real);
            if (d > radius + tolerance(radius)) {
                wrong.add(cand.user() + String.format(" beyond the radius at %.1f m", d));
            }
            if (d < prev - tolerance(prev)) {
                wrong.add(cand.user() + " not nearest first");
            }
            prev = Math.max(prev, d);
        }
        assertThat(wrong).as("wrong candidates (radius %.1f m, limit %d)", radius, limit).isEmpty();
        // Every user clearly inside the radius and clearly nearer than the farthest returned one is there.
        double cutoff = got.size() < limit ? radius - tolerance(radius) : prev - tolerance(prev);
        long inRadius = 0;
        List<String> missing = new ArrayList<>();
        for (Map.Entry<UserId, GeoPoint> e : truth.entrySet()) {
            double d = GeoDistance.meters(c, e.getValue());
            if (d <= radius - tolerance(radius)) {
                inRadius++;
            }
            if (d < cutoff && !gotIds.contains(e.getKey())) {
                missing.add(e.getKey() + String.format(" at %.1f m", d));
            }
        }
        assertThat(missing).as("users missing (radius %.1f m, limit %d)", radius, limit).isEmpty();
        assertThat(got.size()).as("result size").isGreaterThanOrEqualTo((int) Math.min(limit, inRadius));
    }
}
