package dev.vicinity.redis;

import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.ProximityIndexContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The proximity contract against the real Redis; small cells so that queries span several keys. */
class RedisProximityIndexIT extends ProximityIndexContract {
    private final List<String> prefixes = new ArrayList<>();

    @AfterEach
    void deleteKeys() {
        prefixes.forEach(RedisTestSupport::deleteKeys);
    }

    @Override
    protected ProximityIndex createIndex() {
        String prefix = RedisTestSupport.newPrefix("geo");
        prefixes.add(prefix);
        return RedisProximityIndex.builder(RedisTestSupport.connection()).keyPrefix(prefix).cellDegrees(0.25)
                .initialRadiusMeters(200).build();
    }
}
