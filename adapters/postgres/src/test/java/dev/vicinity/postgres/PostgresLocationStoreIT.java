package dev.vicinity.postgres;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.geo.LocationStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link LocationStoreContract} against the real PostgreSQL/PostGIS, on a schema of its own. */
class PostgresLocationStoreIT extends LocationStoreContract {
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    @Override
    protected LocationStore createStore() {
        PgTestDatabase.truncate(PG.get());
        return PG.get().locationStore();
    }
}
