package dev.vicinity.h2gis;

import dev.vicinity.testkit.geo.BlockListContract;
import dev.vicinity.geo.spi.BlockList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link BlockListContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisBlockListTest extends BlockListContract {
    private static H2gisVicinity db;

    @BeforeAll
    static void database() {
        db = H2gisTestDatabase.fresh();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    protected BlockList createBlockList() {
        H2gisTestDatabase.truncate(db);
        return db.blockList();
    }
}
