package dev.vicinity.h2gis;

import dev.vicinity.testkit.geo.ProximityIndexContract;
import dev.vicinity.geo.spi.ProximityIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link ProximityIndexContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisProximityIndexTest extends ProximityIndexContract {
    private static H2gisVicinity db;

    @BeforeAll
    static void database() {
        db = H2gisTestDatabase.fresh();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    protected ProximityIndex createIndex() {
        H2gisTestDatabase.truncate(db);
        return db.proximityIndex();
    }
}
