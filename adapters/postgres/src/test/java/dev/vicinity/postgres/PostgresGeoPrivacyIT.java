package dev.vicinity.postgres;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.GeoPrivacyContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The privacy attacks and the cross-backend agreement data set on the real PostgreSQL/PostGIS. */
class PostgresGeoPrivacyIT extends GeoPrivacyContract {
    private static PostgresVicinity pg;

    @BeforeAll
    static void schema() {
        PgTestDatabase.require();
        pg = PgTestDatabase.freshSchema(PgTestDatabase.dataSource());
    }

    @AfterAll
    static void dropSchema() {
        PgTestDatabase.drop(pg);
    }

    @Override
    protected LocationStore createLocationStore() {
        PgTestDatabase.truncate(pg);
        return pg.locationStore();
    }

    @Override
    protected ProximityIndex createIndex() {
        return pg.proximityIndex();
    }
}
