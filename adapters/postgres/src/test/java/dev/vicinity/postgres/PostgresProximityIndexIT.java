package dev.vicinity.postgres;

import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.ProximityIndexContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link ProximityIndexContract} against the real PostgreSQL/PostGIS, on a schema of its own. */
class PostgresProximityIndexIT extends ProximityIndexContract {
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
    protected ProximityIndex createIndex() {
        PgTestDatabase.truncate(pg);
        return pg.proximityIndex();
    }
}
