package dev.vicinity.redis;

import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.testkit.RateLimitStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The rate-limit contract against the real Redis; the peer is a second store on the same prefix (another node). */
class RedisRateLimitStoreIT extends RateLimitStoreContract {
    private final List<String> prefixes = new ArrayList<>();
    private String prefix;

    @AfterEach
    void deleteKeys() {
        prefixes.forEach(RedisTestSupport::deleteKeys);
    }

    @Override
    protected RateLimitStore createStore() {
        prefix = RedisTestSupport.newPrefix("rl");
        prefixes.add(prefix);
        return RedisRateLimitStore.builder(RedisTestSupport.connection()).keyPrefix(prefix).build();
    }

    @Override
    protected RateLimitStore createPeerStore() {
        return RedisRateLimitStore.builder(RedisTestSupport.connection()).keyPrefix(prefix).build();
    }
}
