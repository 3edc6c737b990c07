package dev.vicinity.postgres;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.geo.GeoPrivacyContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The privacy attacks and the cross-backend agreement data set on the real PostgreSQL/PostGIS. */
class PostgresGeoPrivacyIT extends GeoPrivacyContract {
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    @Override
    protected LocationStore createLocationStore() {
        PgTestDatabase.truncate(PG.get());
        return PG.get().locationStore();
    }

    @Override
    protected ProximityIndex createIndex() {
        return PG.get().proximityIndex();
    }
}
