package dev.vicinity.h2gis;

import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.geo.LocationStoreContract;
import dev.vicinity.geo.spi.LocationStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link LocationStoreContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisLocationStoreTest extends LocationStoreContract {
    @RegisterExtension
    static final ClassResource<H2gisVicinity> DB = H2gisTestDatabase.perClass();

    @Override
    protected LocationStore createStore() {
        H2gisTestDatabase.truncate(DB.get());
        return DB.get().locationStore();
    }
}
