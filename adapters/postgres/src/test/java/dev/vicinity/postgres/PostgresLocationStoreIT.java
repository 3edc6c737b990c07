package dev.vicinity.postgres;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.testkit.geo.LocationStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link LocationStoreContract} against the real PostgreSQL/PostGIS, on a schema of its own. */
class PostgresLocationStoreIT extends LocationStoreContract {
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
    protected LocationStore createStore() {
        PgTestDatabase.truncate(pg);
        return pg.locationStore();
    }
}
