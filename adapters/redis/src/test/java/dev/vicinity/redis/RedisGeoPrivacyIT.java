package dev.vicinity.redis;

import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.GeoPrivacyContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The privacy attacks and the cross-backend agreement data set on the real Redis: positions come
 * back from GEO sets up to 0.6 m off, and the polar store holds the cells beyond the GEO limit.
 */
class RedisGeoPrivacyIT extends GeoPrivacyContract {
    private final List<String> prefixes = new ArrayList<>();
    private String prefix;

    @AfterEach
    void deleteKeys() {
        prefixes.forEach(RedisTestSupport::deleteKeys);
    }

    @Override
    protected LocationStore createLocationStore() {
        prefix = RedisTestSupport.newPrefix("privacy");
        prefixes.add(prefix);
        return RedisLocationStore.builder(RedisTestSupport.connection()).keyPrefix(prefix).build();
    }

    @Override
    protected ProximityIndex createIndex() {
        return RedisProximityIndex.builder(RedisTestSupport.connection()).keyPrefix(prefix).shards(4)
                .initialRadiusMeters(500).build();
    }
}
