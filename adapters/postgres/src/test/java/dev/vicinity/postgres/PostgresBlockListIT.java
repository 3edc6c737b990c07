package dev.vicinity.postgres;

import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.testkit.geo.BlockListContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link BlockListContract} against the real PostgreSQL/PostGIS, on a schema of its own. */
class PostgresBlockListIT extends BlockListContract {
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
    protected BlockList createBlockList() {
        PgTestDatabase.truncate(pg);
        return pg.blockList();
    }
}
