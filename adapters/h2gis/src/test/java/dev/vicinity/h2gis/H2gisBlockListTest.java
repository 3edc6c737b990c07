package dev.vicinity.h2gis;

import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.geo.BlockListContract;
import dev.vicinity.geo.spi.BlockList;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link BlockListContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisBlockListTest extends BlockListContract {
    @RegisterExtension
    static final ClassResource<H2gisVicinity> DB = H2gisTestDatabase.perClass();

    @Override
    protected BlockList createBlockList() {
        H2gisTestDatabase.truncate(DB.get());
        return DB.get().blockList();
    }
}
