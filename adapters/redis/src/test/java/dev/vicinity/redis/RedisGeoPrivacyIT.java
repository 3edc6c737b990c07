package dev.vicinity.redis;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.GeoPrivacyContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The privacy attacks and the cross-backend agreement data set on the real Redis: positions come
 * back from GEO sets up to 0.6 m off, and the polar store holds the cells beyond the GEO limit.
 */
class RedisGeoPrivacyIT extends GeoPrivacyContract {
    @RegisterExtension
    final KeyPrefixes prefixes = new KeyPrefixes();
    private String prefix;

    @Override
    protected LocationStore createLocationStore() {
        prefix = prefixes.next("privacy");
        return RedisLocationStore.builder(RedisTestSupport.connection()).keyPrefix(prefix).build();
    }

    @Override
    protected ProximityIndex createIndex() {
        return RedisProximityIndex.builder(RedisTestSupport.connection()).keyPrefix(prefix).shards(4)
                .initialRadiusMeters(500).build();
    }
}
