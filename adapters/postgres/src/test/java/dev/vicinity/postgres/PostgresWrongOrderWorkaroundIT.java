package dev.vicinity.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.testkit.ClassResource;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The answer PostgresProximityIndex falls back to after PostGIS 3.3's "index returned tuples in wrong
 * order" equals the index-ordered one, including for centres within 1e-9 degrees of stored points
 * (where the defect appears), and only that defect triggers the fallback.
 */
class PostgresWrongOrderWorkaroundIT {
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    @Test
    void theFallbackAnswersLikeTheIndexOrderedScanNearStoredPoints() {
        PgTestDatabase.truncate(PG.get());
        PostgresProximityIndex index = PG.get().proximityIndex();
        Random rnd = new Random(17);
        GeoPoint[] pts = new GeoPoint[400];
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        for (int i = 0; i < pts.length; i++) {
            pts[i] = GeoPoint.ofLatLon(52.5 + rnd.nextDouble() * 0.05, 13.4 + rnd.nextDouble() * 0.08);
            index.upsert(UserId.of("u" + i), pts[i], t0);
        }
        for (int q = 0; q < 60; q++) {
            GeoPoint p = pts[rnd.nextInt(pts.length)];
            GeoPoint c = GeoPoint.ofLatLon(p.lat() + (rnd.nextInt(3) - 1) * 1e-9, p.lon() + (rnd.nextInt(3) - 1) * 1e-9);
            int k = 1 + rnd.nextInt(40);
            assertThat(index.candidatesWithoutIndexOrder(c, 2_000, k)).extracting(Candidate::user)
                    .isEqualTo(index.candidates(c, 2_000, k).stream().map(Candidate::user).toList());
        }
    }

    @Test
    void onlyTheDefectTriggersTheFallback() {
        assertThat(PostgresProximityIndex.isWrongOrderDefect(new SQLException("ERROR: index returned tuples in wrong order",
                "XX000"))).isTrue();
        assertThat(PostgresProximityIndex.isWrongOrderDefect(new SQLException("wrapped",
                new SQLException("index returned tuples in wrong order")))).isTrue();
        assertThat(PostgresProximityIndex.isWrongOrderDefect(new SQLException("connection refused", "08001"))).isFalse();
    }
}
