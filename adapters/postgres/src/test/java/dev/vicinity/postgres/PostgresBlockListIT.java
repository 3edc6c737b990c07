package dev.vicinity.postgres;

import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.geo.BlockListContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link BlockListContract} against the real PostgreSQL/PostGIS, on a schema of its own. */
class PostgresBlockListIT extends BlockListContract {
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    @Override
    protected BlockList createBlockList() {
        PgTestDatabase.truncate(PG.get());
        return PG.get().blockList();
    }
}
