package dev.vicinity.memory;

import dev.vicinity.geo.memory.InMemoryProximityIndex;

import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.ProximityIndexContract;

/** The same contract with 20 m cells, so that queries cross many rings and fall back to full scans. */
class InMemoryProximitySmallCellTest extends ProximityIndexContract {
    @Override
    protected ProximityIndex createIndex() {
        return new InMemoryProximityIndex(20.0);
    }
}
