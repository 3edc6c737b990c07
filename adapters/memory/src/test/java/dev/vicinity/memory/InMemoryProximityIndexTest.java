package dev.vicinity.memory;

import dev.vicinity.geo.memory.InMemoryProximityIndex;

import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.ProximityIndexContract;

/** Binds the proximity index contract to the in-memory grid index (default and tiny cells). */
class InMemoryProximityIndexTest extends ProximityIndexContract {
    @Override
    protected ProximityIndex createIndex() {
        return new InMemoryProximityIndex();
    }
}
