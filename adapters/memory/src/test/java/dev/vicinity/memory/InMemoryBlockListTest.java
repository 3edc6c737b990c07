package dev.vicinity.memory;

import dev.vicinity.geo.memory.InMemoryBlockList;

import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.testkit.geo.BlockListContract;

/** Binds the block list contract to the in-memory block list. */
class InMemoryBlockListTest extends BlockListContract {
    @Override
    protected BlockList createBlockList() {
        return new InMemoryBlockList();
    }
}
