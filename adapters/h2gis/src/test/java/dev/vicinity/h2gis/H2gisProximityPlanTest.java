package dev.vicinity.h2gis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** H2 answers the proximity query's bounding boxes through the spatial (R-tree) index, shown by EXPLAIN. */
class H2gisProximityPlanTest {
    private static H2gisVicinity db;

    @BeforeAll
    static void data() {
        db = H2gisTestDatabase.fresh();
        Random rnd = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            db.proximityIndex().upsert(UserId.of("u" + i),
                    GeoPoint.ofLatLon(52.3 + rnd.nextDouble() * 0.4, 13.1 + rnd.nextDouble() * 0.6), Instant.EPOCH);
        }
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void theBoundingBoxQueryUsesTheSpatialIndex() {
        String plan = db.proximityIndex().explain(GeoPoint.ofLatLon(52.52, 13.405), 5_000);
        assertThat(plan).containsIgnoringCase("PROXIMITY_GEOM: GEOM &&");
        assertThat(plan).doesNotContainIgnoringCase("tableScan").doesNotContainIgnoringCase("PRIMARY_KEY");
    }

    @Test
    void bothHalvesOfABoxSplitAtTheAntimeridianUseTheSpatialIndex() {
        String plan = db.proximityIndex().explain(GeoPoint.ofLatLon(-16.5, 179.99), 5_000);
        assertThat(plan).containsIgnoringCase("UNION ALL");
        int first = plan.toUpperCase().indexOf("PROXIMITY_GEOM: GEOM &&");
        assertThat(first).isNotNegative();
        assertThat(plan.toUpperCase().indexOf("PROXIMITY_GEOM: GEOM &&", first + 1)).as(plan).isGreaterThan(first);
        assertThat(plan).doesNotContainIgnoringCase("tableScan");
    }
}
