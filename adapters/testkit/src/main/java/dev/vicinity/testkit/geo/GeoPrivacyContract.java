package dev.vicinity.testkit.geo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.MutableClock;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.DistanceBuckets;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoGrid;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatch;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Location privacy end to end (LocationService + NearbyMatcher over a backend's {@link LocationStore}
 * and {@link ProximityIndex}), and agreement between backends. A backend binds it with a fresh, empty
 * store and index per test.
 *
 * <ul>
 *   <li>GPS noise: a stationary victim 3 m from a cell corner, or on the middle of a cell edge, sends a
 *       fix every 5 s with Gaussian noise (σ 5-20 m, seeded). The attacker is given the victim's public
 *       cell after every fix (more than any query shows). The public cell never changes, so the attacker
 *       learns the cell and nothing more, and its best estimate (the cell's centroid) misses the victim
 *       by at least half a cell.</li>
 *   <li>Radius narrowing: attackers sweep the radius in 25 m steps; the victim appears only at bucket
 *       edges, and the positions consistent with all answers leave the victim near a corner at least
 *       half a cell from their centroid.</li>
 *   <li>Poles: a victim 5 m from the North Pole, attackers all around it; same bound.</li>
 *   <li>Agreement: a data set of many cell pairs whose centre distance is (almost) exactly a bucket edge,
 *       polar cells and cells at Redis' GEO latitude limit gives exactly the user sets and buckets of
 *       a brute force over the cell centres (the documented rules), so every backend gives the same.</li>
 * </ul>
 */
public abstract class GeoPrivacyContract {
    /** Cell size in metres of the grid the tests use. */
    protected static final double CELL = 250;
    /** Metres per degree of latitude, for placing points a given distance apart. */
    protected static final double M = GeoDistance.METERS_PER_DEGREE;
    private static final byte[] SECRET = "geo-privacy-contract-secret-0001".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** The clock the services and the tests share; tests advance it instead of sleeping. */
    protected MutableClock clock;
    /** The location service on the backend under test. */
    protected LocationService locations;
    /** The matcher on the backend under test. */
    protected NearbyMatcher matcher;
    /** The grid the published cells are computed on. */
    protected GeoGrid grid;
    private final DistanceBuckets buckets = DistanceBuckets.defaults();

    /** A fresh, empty location store of the backend. */
    protected abstract LocationStore createLocationStore();

    /** A fresh, empty proximity index of the backend. */
    protected abstract ProximityIndex createIndex();

    @BeforeEach
    void setUpWorld() {
        clock = new MutableClock();
        LocationStore store = createLocationStore();
        ProximityIndex index = createIndex();
        locations = LocationService.builder(store, index).clock(clock).cellMeters(CELL).noUpdateRateLimit().build();
        matcher = NearbyMatcher.builder(locations, NO_BLOCKS, u -> true).noRateLimit().cursorSecret(SECRET).build();
        grid = locations.grid();
    }

    // ---------------------------------------------------------------- GPS noise

    @ParameterizedTest(name = "{0} m from a corner, sigma {1} m, seed {2}")
    @CsvSource({"corner, 5, 1", "corner, 20, 2", "edge, 5, 3", "edge, 20, 4", "corner, 12, 5", "edge, 12, 6"})
    void gpsNoiseAroundAStationaryVictimRevealsNoMoreThanItsCell(String where, double sigma, long seed) {
        long key = grid.cellKey(52.52, 13.405);
        int row = GeoGrid.rowOf(key);
        double width = 360.0 / grid.columns(row);
        double west = -180 + GeoGrid.columnOf(key) * width;
        double south = grid.rowMinLat(row);
        double cos = Math.cos(Math.toRadians(south));
        GeoPoint victim = where.equals("corner")
                ? GeoPoint.ofLatLon(south + 3 / M, west + 3 / M / cos)            // 3 m from the SW corner
                : GeoPoint.ofLatLon(south, west + width / 2);                     // on the middle of the S edge
        UserId v = UserId.of("victim");
        Random rnd = new Random(seed);
        Set<GeoPoint> seen = new HashSet<>();
        for (int i = 0; i < 240; i++) { // 20 minutes, a fix every 5 s
            clock.advance(Duration.ofSeconds(5));
            locations.submit(v, LocationFix.precise(victim.lat() + rnd.nextGaussian() * sigma / M,
                    victim.lon() + rnd.nextGaussian() * sigma / M / cos, sigma, clock.instant()));
            seen.add(locations.location(v).orElseThrow().cell());
        }
        assertThat(seen).as("public cells shown (seed %d)", seed).hasSize(1);
        GeoPoint estimate = centroidOfCell(seen.iterator().next());
        // A victim exactly on an edge is exactly half a cell from either centre (to rounding).
        assertThat(GeoDistance.meters(estimate, victim)).as("best estimate error (seed %d)", seed)
                .isGreaterThanOrEqualTo(CELL / 2 - 1e-6);
    }

    // ---------------------------------------------------------------- radius narrowing

    @Test
    void narrowingTheRadiusRevealsOnlyBucketsAndTheVictimNearACornerStaysHidden() {
        GeoPoint victim = cornerOf(52.52 + 700 / M, 13.405 + 300 / M / Math.cos(Math.toRadians(52.52)), 4);
        UserId v = UserId.of("victim");
        locations.submit(v, LocationFix.precise(victim.lat(), victim.lon(), 5, clock.instant()));
        List<GeoPoint> attackers = new ArrayList<>();
        for (int i = -2; i <= 2; i++) {
            for (int j = -2; j <= 2; j++) {
                attackers.add(GeoPoint.ofLatLon(victim.lat() + i * 330 / M,
                        victim.lon() + j * 330 / M / Math.cos(Math.toRadians(victim.lat()))));
            }
        }
        List<Double> minRadius = new ArrayList<>();
        int n = 0;
        for (GeoPoint a : attackers) {
            UserId attacker = UserId.of("attacker" + n++);
            locations.submit(attacker, LocationFix.manual(a.lat(), a.lon(), clock.instant()));
            double first = Double.NaN;
            boolean before = false;
            for (double r = 25; r <= 3_000; r += 25) {
                boolean visible = bucketOf(attacker, v, r).isPresent();
                if (visible && !before) {
                    first = r;
                }
                assertThat(visible || !before).as("visibility is monotone in the radius").isTrue();
                before = visible;
            }
            minRadius.add(first);
            locations.forget(attacker);
        }
        // The victim first appears at a radius just above a bucket edge (the previous radius snapped below it).
        for (double r : minRadius) {
            if (!Double.isNaN(r) && r > 25) {
                double edge = snappedUp(r);
                assertThat(snappedUp(r - 25)).as("first radius %s", r).isLessThan(edge);
            }
        }
        // Positions consistent with every answer (the smallest radius showing the victim, per attacker).
        GeoPoint estimate = consistentCentroid(victim, 600, 10, x -> {
            for (int i = 0; i < attackers.size(); i++) {
                double d = publicDistance(attackers.get(i), x);
                double r = minRadius.get(i);
                boolean shownAtFirst = !Double.isNaN(r) && d <= snappedUp(r);
                boolean hiddenBefore = Double.isNaN(r) ? d > snappedUp(3_000) : (r <= 25 || d > snappedUp(r - 25));
                if (!(Double.isNaN(r) ? hiddenBefore : shownAtFirst && hiddenBefore)) {
                    return false;
                }
            }
            return true;
        });
        assertThat(GeoDistance.meters(estimate, victim)).as("best estimate error").isGreaterThanOrEqualTo(CELL / 2);
    }

    // ---------------------------------------------------------------- poles

    @Test
    void aVictimFiveMetresFromTheNorthPoleStaysHidden() {
        GeoPoint victim = GeoPoint.ofLatLon(90 - 5 / M, 37);
        UserId v = UserId.of("victim");
        locations.submit(v, LocationFix.precise(victim.lat(), victim.lon(), 5, clock.instant()));
        Map<GeoPoint, String> seen = new TreeMap<>((a, b) -> a.lat() != b.lat() ? Double.compare(a.lat(), b.lat())
                : Double.compare(a.lon(), b.lon()));
        int n = 0;
        for (double rho = 60; rho <= 1_500; rho += 120) {
            for (int bearing = 0; bearing < 360; bearing += 30) {
                GeoPoint a = GeoPoint.ofLatLon(90 - rho / M, bearing - 180 + 7);
                UserId attacker = UserId.of("attacker" + n++);
                locations.submit(attacker, LocationFix.manual(a.lat(), a.lon(), clock.instant()));
                seen.put(a, bucketOf(attacker, v, 3_000).orElse("absent"));
                locations.forget(attacker);
            }
        }
        assertThat(seen.values()).contains(buckets.get(0).label());
        // Candidate victim positions on a polar lattice (azimuthal equidistant around the pole).
        double sx = 0;
        double sy = 0;
        int count = 0;
        for (double x = -1_200; x <= 1_200; x += 10) {
            for (double y = -1_200; y <= 1_200; y += 10) {
                double rho = Math.hypot(x, y);
                if (rho > 1_200) {
                    continue;
                }
                GeoPoint p = GeoPoint.ofLatLon(90 - rho / M, Math.toDegrees(Math.atan2(y, x)));
                boolean ok = true;
                for (Map.Entry<GeoPoint, String> e : seen.entrySet()) {
                    if (!label(publicDistance(e.getKey(), p), 3_000).equals(e.getValue())) {
                        ok = false;
                        break;
                    }
                }
                if (ok) {
                    sx += x;
                    sy += y;
                    count++;
                }
            }
        }
        assertThat(count).as("the true position is consistent").isPositive();
        double vx = 5 * Math.cos(Math.toRadians(37));
        double vy = 5 * Math.sin(Math.toRadians(37));
        assertThat(Math.hypot(sx / count - vx, sy / count - vy)).as("best estimate error").isGreaterThanOrEqualTo(CELL / 2);
    }

    // ---------------------------------------------------------------- agreement between backends

    @Test
    void usersAndBucketsEqualTheBruteForceOverCellCentresAtEdgesPolesAndTheRedisLimit() {
        double[][] queriers = {
            {0.0001, 20}, {52.52, 13.405}, {-33.9, 18.4}, {60.17, 24.94}, {84.9, -40}, {85.05112878, 100},
            {-85.05112878, -100}, {85.0, 179.999}, {89.995, 10}, {-89.99, 0}, {16.5, -179.9995},
        };
        int[] rows = {1, 2, 3, 4, 6, 8, 12, 16, 20, 39, 40};
        Map<UserId, GeoPoint> cells = new java.util.HashMap<>();
        List<UserId> qs = new ArrayList<>();
        int n = 0;
        for (int q = 0; q < queriers.length; q++) {
            UserId qu = UserId.of("q" + q);
            qs.add(qu);
            locations.submit(qu, LocationFix.manual(queriers[q][0], queriers[q][1], clock.instant()));
            GeoPoint qc = grid.snap(GeoPoint.ofLatLon(queriers[q][0], queriers[q][1]));
            cells.put(qu, qc);
            for (int k : rows) {
                for (int sign = -1; sign <= 1; sign += 2) {
                    for (int j = -2; j <= 2; j++) {
                        double lat = qc.lat() + sign * k * grid.cellDegrees();
                        if (Math.abs(lat) > 90) {
                            continue;
                        }
                        double lon = qc.lon() + j * 360.0 / grid.columns(grid.row(lat)) + (k % 3) * 1e-7;
                        lon = ((lon + 180) % 360 + 360) % 360 - 180;
                        UserId u = UserId.of("u" + n++);
                        locations.submit(u, LocationFix.manual(lat, lon, clock.instant()));
                        cells.put(u, grid.snap(GeoPoint.ofLatLon(lat, lon)));
                    }
                }
            }
        }
        // Plus users exactly at the GEO limit and at the poles.
        for (double[] p : new double[][] {{85.05112878, 100.001}, {-85.05112878, -100.001}, {90, 0}, {-90, 0},
                {89.9999, 10}, {85.0511, 100}, {85.0512, 100}}) {
            UserId u = UserId.of("u" + n++);
            locations.submit(u, LocationFix.manual(p[0], p[1], clock.instant()));
            cells.put(u, grid.snap(GeoPoint.ofLatLon(p[0], p[1])));
        }
        int edgePairs = 0;
        for (UserId q : qs) {
            for (double radius : new double[] {500, 1_000, 2_000, 4_999, 10_000}) {
                Map<UserId, String> expected = new TreeMap<>();
                for (Map.Entry<UserId, GeoPoint> e : cells.entrySet()) {
                    if (e.getKey().equals(q)) {
                        continue;
                    }
                    double d = GeoDistance.meters(Objects.requireNonNull(cells.get(q)), e.getValue()) * (1 - 1e-9);
                    if (d <= snappedUp(radius)) {
                        expected.put(e.getKey(), buckets.get(buckets.indexOf(d)).label());
                        for (int b = 0; b < buckets.size(); b++) {
                            if (Math.abs(d - buckets.upperEdge(b)) < 1) {
                                edgePairs++;
                            }
                        }
                    }
                }
                Map<UserId, String> got = new TreeMap<>();
                NearbyQuery query = NearbyQuery.of(q, radius, 100);
                NearbyPage page = matcher.nearby(query);
                page.matches().forEach(m -> got.put(m.user(), m.distance().label()));
                while (page.next().isPresent()) {
                    page = matcher.nearby(query.after(page.next().get()));
                    page.matches().forEach(m -> got.put(m.user(), m.distance().label()));
                }
                assertThat(got).as("querier %s, radius %s", q, radius).isEqualTo(expected);
            }
        }
        assertThat(edgePairs).as("pairs within 1 m of a bucket edge").isGreaterThan(100);
    }

    // ---------------------------------------------------------------- helpers

    private static final BlockList NO_BLOCKS = new BlockList() {
        @Override
        public boolean block(UserId blocker, UserId blocked) {
            return false;
        }

        @Override
        public boolean unblock(UserId blocker, UserId blocked) {
            return false;
        }

        @Override
        public Set<UserId> blocking(UserId user) {
            return Set.of();
        }

        @Override
        public Set<UserId> blockedBy(UserId user) {
            return Set.of();
        }
    };

    /** The bucket label of {@code target} in {@code attacker}'s results within {@code radius}, if shown. */
    private Optional<String> bucketOf(UserId attacker, UserId target, double radius) {
        NearbyQuery q = NearbyQuery.of(attacker, radius, 100);
        NearbyPage page = matcher.nearby(q);
        while (true) {
            for (NearbyMatch m : page.matches()) {
                if (m.user().equals(target)) {
                    return Optional.of(m.distance().label());
                }
            }
            if (page.next().isEmpty()) {
                return Optional.empty();
            }
            page = matcher.nearby(q.after(page.next().get()));
        }
    }

    /** The documented distance between the public cells of two raw positions. */
    private double publicDistance(GeoPoint a, GeoPoint b) {
        return GeoDistance.meters(grid.snap(a), grid.snap(b)) * (1 - 1e-9);
    }

    private String label(double d, double radius) {
        if (d > snappedUp(radius)) {
            return "absent";
        }
        return buckets.get(buckets.indexOf(d)).label();
    }

    /** The radius the matcher uses for a requested one: the next bucket edge at or above it (max 50 km). */
    private double snappedUp(double r) {
        for (int b = 0; b < buckets.size(); b++) {
            if (r <= buckets.upperEdge(b)) {
                return Math.min(buckets.upperEdge(b), 50_000);
            }
        }
        return 50_000;
    }

    /** A point {@code metres} inside the south-west corner of the cell of (lat, lon). */
    private GeoPoint cornerOf(double lat, double lon, double metres) {
        long key = grid.cellKey(lat, lon);
        int row = GeoGrid.rowOf(key);
        double west = -180 + GeoGrid.columnOf(key) * 360.0 / grid.columns(row);
        double south = grid.rowMinLat(row);
        return GeoPoint.ofLatLon(south + metres / M, west + metres / M / Math.cos(Math.toRadians(south)));
    }

    /** The centroid of the positions on a lattice around {@code around} that satisfy {@code consistent}. */
    private GeoPoint consistentCentroid(GeoPoint around, double reach, double step, Predicate<GeoPoint> consistent) {
        double cos = Math.cos(Math.toRadians(around.lat()));
        double sumLat = 0;
        double sumLon = 0;
        int count = 0;
        for (double y = -reach; y <= reach; y += step) {
            for (double x = -reach; x <= reach; x += step) {
                GeoPoint p = GeoPoint.ofLatLon(around.lat() + y / M, around.lon() + x / M / cos);
                if (consistent.test(p)) {
                    sumLat += p.lat();
                    sumLon += p.lon();
                    count++;
                }
            }
        }
        assertThat(consistent.test(around)).as("the true position is consistent with the answers").isTrue();
        assertThat(count).isPositive();
        return GeoPoint.ofLatLon(sumLat / count, sumLon / count);
    }

    /** The centroid of a grid cell (given by its centre), by sampling: the best estimate knowing only the cell. */
    private GeoPoint centroidOfCell(GeoPoint center) {
        long key = grid.cellKey(center);
        int row = GeoGrid.rowOf(key);
        double width = 360.0 / grid.columns(row);
        double west = -180 + GeoGrid.columnOf(key) * width;
        double south = grid.rowMinLat(row);
        double north = grid.rowMaxLat(row);
        return GeoPoint.ofLatLon((south + north) / 2, west + width / 2);
    }
}
