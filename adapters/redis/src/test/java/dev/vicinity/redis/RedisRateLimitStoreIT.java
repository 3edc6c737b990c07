package dev.vicinity.redis;

import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.testkit.RateLimitStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rate-limit contract against the real Redis; the peer is a second store on the same prefix (another node). */
class RedisRateLimitStoreIT extends RateLimitStoreContract {
    @RegisterExtension
    final KeyPrefixes prefixes = new KeyPrefixes();
    private String prefix;

    @Override
    protected RateLimitStore createStore() {
        prefix = prefixes.next("rl");
        return RedisRateLimitStore.builder(RedisTestSupport.connection()).keyPrefix(prefix).build();
    }

    @Override
    protected RateLimitStore createPeerStore() {
        return RedisRateLimitStore.builder(RedisTestSupport.connection()).keyPrefix(prefix).build();
    }
}
