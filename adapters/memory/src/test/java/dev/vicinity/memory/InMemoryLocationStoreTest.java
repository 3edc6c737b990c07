package dev.vicinity.memory;

import dev.vicinity.geo.memory.InMemoryLocationStore;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.testkit.geo.LocationStoreContract;

/** Binds the location store contract to the in-memory store. */
class InMemoryLocationStoreTest extends LocationStoreContract {
    @Override
    protected LocationStore createStore() {
        return new InMemoryLocationStore();
    }
}
