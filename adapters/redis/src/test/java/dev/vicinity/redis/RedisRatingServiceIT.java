package dev.vicinity.redis;

import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.rating.RatingServiceContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The testkit's {@link RatingServiceContract} against the real Redis (16 threads double-submitting through
 * one shared Lettuce connection; exactly one rating counted). Each test gets its own key prefix.
 */
class RedisRatingServiceIT extends RatingServiceContract {
    @RegisterExtension
    final KeyPrefixes prefixes = new KeyPrefixes();

    /** Every step is several round trips; 6 seeded sequences keep the build fast. */
    @Override
    protected int randomSequenceSeeds() {
        return 6;
    }

    @Override
    protected RatingStore createStore() {
        String prefix = prefixes.next("rating");
        return RedisRatingStore.builder(RedisTestSupport.connection()).keyPrefix(prefix).stripes(4).build();
    }
}
