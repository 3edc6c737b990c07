package dev.vicinity.h2gis;

import dev.vicinity.testkit.geo.ProximityIndexContract;
import dev.vicinity.geo.spi.ProximityIndex;
import org.junit.jupiter.api.AfterEach;

/** The testkit's {@link ProximityIndexContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisProximityIndexTest extends ProximityIndexContract {
    private H2gisVicinity db;

    /**
     * A fresh database per test (not one truncated between tests): if a racing test ever leaves a
     * writer stuck, it cannot hold locks that fail the tests after it.
     */
    @Override
    protected ProximityIndex createIndex() {
        db = H2gisTestDatabase.fresh();
        return db.proximityIndex();
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }
}
