package dev.vicinity.memory;

import dev.vicinity.geo.memory.InMemoryLocationStore;
import dev.vicinity.geo.memory.InMemoryProximityIndex;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.GeoPrivacyContract;

/** The privacy attacks and the cross-backend agreement data set on the in-memory adapters (the reference). */
class InMemoryGeoPrivacyTest extends GeoPrivacyContract {
    @Override
    protected LocationStore createLocationStore() {
        return new InMemoryLocationStore();
    }

    @Override
    protected ProximityIndex createIndex() {
        return new InMemoryProximityIndex();
    }
}
