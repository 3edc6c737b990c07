package dev.vicinity.h2gis;

import dev.vicinity.testkit.geo.LocationStoreContract;
import dev.vicinity.geo.spi.LocationStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link LocationStoreContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisLocationStoreTest extends LocationStoreContract {
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
    protected LocationStore createStore() {
        H2gisTestDatabase.truncate(db);
        return db.locationStore();
    }
}
