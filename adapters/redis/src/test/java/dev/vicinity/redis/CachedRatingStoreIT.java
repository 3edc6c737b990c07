package dev.vicinity.redis;

import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.rating.RatingStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The testkit's {@link RatingStoreContract} against {@link CachedRatingStore} on the real Redis in front of
 * the in-memory store: every aggregate the contract reads after a write comes through the cache, so the
 * contract proves the cache never serves a value older than the last completed write (including 16-thread
 * double submits and audit repairs). Each test gets its own key prefix.
 */
class CachedRatingStoreIT extends RatingStoreContract {
    private final List<String> prefixes = new ArrayList<>();

    @AfterEach
    void deleteKeys() {
        prefixes.forEach(RedisTestSupport::deleteKeys);
    }

    @Override
    protected RatingStore createStore() {
        String prefix = RedisTestSupport.newPrefix("rating-cache");
        prefixes.add(prefix);
        return CachedRatingStore.builder(RedisTestSupport.connection(), new InMemoryRatingStore())
                .keyPrefix(prefix).build();
    }
}
