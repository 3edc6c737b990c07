package dev.vicinity.redis;

import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.rating.RatingStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The testkit's {@link RatingStoreContract} against the real Redis (16 threads double-submitting through
 * one shared Lettuce connection; exactly one rating counted). Each test gets its own key prefix.
 */
class RedisRatingStoreIT extends RatingStoreContract {
    @RegisterExtension
    final KeyPrefixes prefixes = new KeyPrefixes();

    @Override
    protected RatingStore createStore() {
        String prefix = prefixes.next("rating");
        return RedisRatingStore.builder(RedisTestSupport.connection()).keyPrefix(prefix).stripes(4).build();
    }
}
