package dev.vicinity.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import dev.vicinity.testkit.ClassResource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostGIS query itself: the plan uses the GiST index as an index-ordered nearest-neighbour scan
 * (proved with EXPLAIN on the adapter's own statement), PostGIS distances equal the canonical haversine,
 * batched upserts behave like single ones, and on the same random data the adapter returns the same
 * users as the in-memory reference index.
 */
class PostgresProximityQueryIT {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final double LAT = 52.52;
    private static final double LON = 13.405;
    private static final int USERS = 30_000;
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();
    private static InMemoryProximityIndex memory;
    private static Map<UserId, GeoPoint> truth;

    @BeforeAll
    static void load() {
        memory = new InMemoryProximityIndex();
        truth = new HashMap<>();
        Random rnd = new Random(42);
        List<Candidate> batch = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            // a 20 km x 20 km city
            GeoPoint p = GeoPoint.ofLatLon(LAT + (rnd.nextDouble() * 2 - 1) * 0.09, LON + (rnd.nextDouble() * 2 - 1) * 0.15);
            UserId u = UserId.of("u" + i);
            truth.put(u, p);
            memory.upsert(u, p, T0);
            batch.add(new Candidate(u, p, T0));
            if (batch.size() == 5_000) {
                assertThat(PG.get().proximityIndex().upsertAll(batch)).isEqualTo(5_000);
                batch.clear();
            }
        }
        PgTestDatabase.exec(PG.get(), "ANALYZE \"" + PG.get().schema() + "\".proximity");
    }

    @Test
    void nearestQueryIsAnIndexOrderedScanOfTheGistIndexReadingOnlyKRows() {
        String plan = PG.get().proximityIndex().explain(GeoPoint.ofLatLon(LAT, LON), 5_000, 50);
        assertThat(plan).as(plan).contains("Index Scan using proximity_geog").contains("Order By: (geog <->")
                .doesNotContain("Seq Scan").doesNotContain("Sort Method");
        // The index scan stops after the k nearest rows (it does not visit everything inside the radius).
        assertThat(plan).as(plan).containsPattern("Index Scan using proximity_geog[^\\n]*actual time=[^\\n]*rows=50 loops=1");
    }

    @Test
    void everythingWithinARadiusUsesTheGistIndexToo() {
        String plan = PG.get().proximityIndex().explain(GeoPoint.ofLatLon(LAT, LON), 500, Integer.MAX_VALUE);
        assertThat(plan).as(plan).containsPattern("(Index Scan using|Bitmap Index Scan on) proximity_geog")
                .doesNotContain("Seq Scan");
    }

    @Test
    void postgisSphereDistancesEqualTheCanonicalHaversine() throws SQLException {
        Random rnd = new Random(7);
        List<GeoPoint[]> pairs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            GeoPoint a = GeoPoint.ofLatLon(rnd.nextDouble() * 180 - 90, rnd.nextDouble() * 360 - 180);
            double spread = i % 3 == 0 ? 0.05 : i % 3 == 1 ? 2 : 60;
            GeoPoint b = GeoPoint.ofLatLon(Math.max(-90, Math.min(90, a.lat() + (rnd.nextDouble() * 2 - 1) * spread)),
                    wrap(a.lon() + (rnd.nextDouble() * 2 - 1) * spread));
            pairs.add(new GeoPoint[] {a, b});
        }
        pairs.add(new GeoPoint[] {GeoPoint.ofLatLon(-16.5, 179.999), GeoPoint.ofLatLon(-16.5, -179.999)});
        pairs.add(new GeoPoint[] {GeoPoint.ofLatLon(89.99, 0), GeoPoint.ofLatLon(89.99, 180)});
        pairs.add(new GeoPoint[] {GeoPoint.ofLatLon(90, 0), GeoPoint.ofLatLon(-90, 0)});
        String g = "public.ST_SetSRID(public.ST_MakePoint(?, ?), 4326)::public.geography";
        try (Connection c = PgTestDatabase.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + g + " OPERATOR(public.<->) " + g
                     + ", public.ST_Distance(" + g + ", " + g + ", false)")) {
            for (GeoPoint[] p : pairs) {
                ps.setDouble(1, p[0].lon());
                ps.setDouble(2, p[0].lat());
                ps.setDouble(3, p[1].lon());
                ps.setDouble(4, p[1].lat());
                ps.setDouble(5, p[0].lon());
                ps.setDouble(6, p[0].lat());
                ps.setDouble(7, p[1].lon());
                ps.setDouble(8, p[1].lat());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    double canonical = GeoDistance.meters(p[0], p[1]);
                    // far tighter than the SPI's 0.7 % + 1 m: the same sphere, radius differing by 3 cm
                    assertThat(rs.getDouble(1)).isCloseTo(canonical, org.assertj.core.data.Offset.offset(1e-7 * canonical + 0.01));
                    assertThat(rs.getDouble(2)).isCloseTo(canonical, org.assertj.core.data.Offset.offset(1e-7 * canonical + 0.01));
                }
            }
        }
    }

    @Test
    void resultsEqualTheInMemoryIndexOnTheSameDataExceptWithinTheToleranceBand() {
        Random rnd = new Random(11);
        for (int q = 0; q < 150; q++) {
            GeoPoint c = GeoPoint.ofLatLon(LAT + (rnd.nextDouble() * 2 - 1) * 0.09, LON + (rnd.nextDouble() * 2 - 1) * 0.15);
            double radius = 50 + rnd.nextDouble() * (q % 2 == 0 ? 1_000 : 8_000);
            int limit = q % 5 == 0 ? Integer.MAX_VALUE : 1 + rnd.nextInt(100);
            List<Candidate> fromPg = PG.get().proximityIndex().candidates(c, radius, limit);
            List<Candidate> fromMemory = memory.candidates(c, radius, limit);
            Set<UserId> a = ids(fromPg);
            Set<UserId> b = ids(fromMemory);
            assertThat(a).as("no duplicates").hasSize(fromPg.size());
            double kth = Math.max(lastDistance(c, fromPg), lastDistance(c, fromMemory));
            Set<UserId> diff = new HashSet<>(a);
            diff.addAll(b);
            Set<UserId> both = new HashSet<>(a);
            both.retainAll(b);
            diff.removeAll(both);
            for (UserId u : diff) {
                double d = GeoDistance.meters(c, truth.get(u));
                boolean atRadiusEdge = Math.abs(d - radius) <= 0.007 * radius + 1;
                boolean atKthEdge = Math.abs(d - kth) <= 0.007 * kth + 1;
                assertThat(atRadiusEdge || atKthEdge)
                        .as("query %d: %s at %.2f m (radius %.1f, k-th %.1f) only in one result", q, u, d, radius, kth)
                        .isTrue();
            }
            for (Candidate cand : fromPg) {
                assertThat(cand.point()).isEqualTo(truth.get(cand.user()));
                assertThat(cand.observedAt()).isEqualTo(T0);
            }
        }
    }

    @Test
    void aBatchWithRepeatedUsersKeepsTheLastEntryOfEach() {
        UserId u = UserId.of("batch-user");
        GeoPoint first = GeoPoint.ofLatLon(10, 10);
        GeoPoint last = GeoPoint.ofLatLon(10.001, 10);
        UserId v = UserId.of("batch-other");
        int written = PG.get().proximityIndex().upsertAll(List.of(new Candidate(u, first, T0), new Candidate(v, first, T0),
                new Candidate(u, last, T0.plusSeconds(5))));
        assertThat(written).isEqualTo(2);
        List<Candidate> found = PG.get().proximityIndex().candidates(last, 10, 10);
        assertThat(found).extracting(Candidate::user).containsExactly(u);
        assertThat(found.get(0).observedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(PG.get().proximityIndex().upsertAll(List.of())).isZero();
        PG.get().proximityIndex().remove(u);
        PG.get().proximityIndex().remove(v);
    }

    private static Set<UserId> ids(List<Candidate> cs) {
        Set<UserId> s = new HashSet<>();
        cs.forEach(x -> s.add(x.user()));
        return s;
    }

    private static double lastDistance(GeoPoint c, List<Candidate> cs) {
        return cs.isEmpty() ? 0 : GeoDistance.meters(c, cs.get(cs.size() - 1).point());
    }

    private static double wrap(double lon) {
        return ((lon + 180) % 360 + 360) % 360 - 180;
    }
}
