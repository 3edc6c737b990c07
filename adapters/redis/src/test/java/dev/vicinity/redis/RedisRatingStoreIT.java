package dev.vicinity.redis;

import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.rating.RatingStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The testkit's {@link RatingStoreContract} against the real Redis (16 threads double-submitting through
 * one shared Lettuce connection; exactly one rating counted). Each test gets its own key prefix.
 */
class RedisRatingStoreIT extends RatingStoreContract {
    private final List<String> prefixes = new ArrayList<>();

    @AfterEach
    void deleteKeys() {
        prefixes.forEach(RedisTestSupport::deleteKeys);
    }

    @Override
    protected RatingStore createStore() {
        String prefix = RedisTestSupport.newPrefix("rating");
        prefixes.add(prefix);
        return RedisRatingStore.builder(RedisTestSupport.connection()).keyPrefix(prefix).stripes(4).build();
    }
}
