package dev.vicinity.postgres;

import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.geo.ProximityIndexContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link ProximityIndexContract} against the real PostgreSQL/PostGIS, on a schema of its own. */
class PostgresProximityIndexIT extends ProximityIndexContract {
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    @Override
    protected ProximityIndex createIndex() {
        PgTestDatabase.truncate(PG.get());
        return PG.get().proximityIndex();
    }
}
