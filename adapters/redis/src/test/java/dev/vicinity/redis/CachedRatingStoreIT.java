package dev.vicinity.redis;

import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.rating.RatingStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The testkit's {@link RatingStoreContract} against {@link CachedRatingStore} on the real Redis in front of
 * the in-memory store: every aggregate the contract reads after a write comes through the cache, so the
 * contract proves the cache never serves a value older than the last completed write (including 16-thread
 * double submits and audit repairs). Each test gets its own key prefix.
 */
class CachedRatingStoreIT extends RatingStoreContract {
    @RegisterExtension
    final KeyPrefixes prefixes = new KeyPrefixes();

    @Override
    protected RatingStore createStore() {
        String prefix = prefixes.next("rating-cache");
        return CachedRatingStore.builder(RedisTestSupport.connection(), new InMemoryRatingStore())
                .keyPrefix(prefix).build();
    }
}
