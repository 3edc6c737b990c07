package dev.vicinity.h2gis;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.GeoPrivacyContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The privacy attacks and the cross-backend agreement data set on embedded H2GIS. */
class H2gisGeoPrivacyTest extends GeoPrivacyContract {
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
    protected LocationStore createLocationStore() {
        H2gisTestDatabase.truncate(db);
        return db.locationStore();
    }

    @Override
    protected ProximityIndex createIndex() {
        return db.proximityIndex();
    }
}
