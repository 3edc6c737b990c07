package dev.vicinity.h2gis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.testkit.ClassResource;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** H2 answers the proximity query's bounding boxes through the spatial (R-tree) index, shown by EXPLAIN. */
class H2gisProximityPlanTest {
    @RegisterExtension
    static final ClassResource<H2gisVicinity> DB = H2gisTestDatabase.perClass();

    @BeforeAll
    static void data() {
        Random rnd = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            DB.get().proximityIndex().upsert(UserId.of("u" + i),
                    GeoPoint.ofLatLon(52.3 + rnd.nextDouble() * 0.4, 13.1 + rnd.nextDouble() * 0.6), Instant.EPOCH);
        }
    }

    @Test
    void theBoundingBoxQueryUsesTheSpatialIndex() {
        String plan = DB.get().proximityIndex().explain(GeoPoint.ofLatLon(52.52, 13.405), 5_000);
        assertThat(plan).containsIgnoringCase("PROXIMITY_GEOM: GEOM &&");
        assertThat(plan).doesNotContainIgnoringCase("tableScan").doesNotContainIgnoringCase("PRIMARY_KEY");
    }

    @Test
    void bothHalvesOfABoxSplitAtTheAntimeridianUseTheSpatialIndex() {
        String plan = DB.get().proximityIndex().explain(GeoPoint.ofLatLon(-16.5, 179.99), 5_000);
        assertThat(plan).containsIgnoringCase("UNION ALL");
        int first = plan.toUpperCase().indexOf("PROXIMITY_GEOM: GEOM &&");
        assertThat(first).isNotNegative();
        assertThat(plan.toUpperCase().indexOf("PROXIMITY_GEOM: GEOM &&", first + 1)).as(plan).isGreaterThan(first);
        assertThat(plan).doesNotContainIgnoringCase("tableScan");
    }
}
