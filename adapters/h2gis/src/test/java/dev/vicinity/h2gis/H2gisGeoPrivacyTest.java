package dev.vicinity.h2gis;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.geo.GeoPrivacyContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The privacy attacks and the cross-backend agreement data set on embedded H2GIS. */
class H2gisGeoPrivacyTest extends GeoPrivacyContract {
    @RegisterExtension
    static final ClassResource<H2gisVicinity> DB = H2gisTestDatabase.perClass();

    @Override
    protected LocationStore createLocationStore() {
        H2gisTestDatabase.truncate(DB.get());
        return DB.get().locationStore();
    }

    @Override
    protected ProximityIndex createIndex() {
        return DB.get().proximityIndex();
    }
}
