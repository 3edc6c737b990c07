package dev.vicinity.redis;

import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.rating.RatingServiceContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The testkit's {@link RatingServiceContract} on {@link CachedRatingStore} (real Redis, in-memory delegate,
 * invalidate-only mode so every read after a write is a read-through): eligibility, double-blind reveal,
 * edits, withdrawals, reconcile and random sequences all see aggregates equal to a recount.
 */
class CachedRatingServiceIT extends RatingServiceContract {
    @RegisterExtension
    final KeyPrefixes prefixes = new KeyPrefixes();

    /** Every step is several round trips; 6 seeded sequences keep the build fast. */
    @Override
    protected int randomSequenceSeeds() {
        return 6;
    }

    @Override
    protected RatingStore createStore() {
        String prefix = prefixes.next("rating-cache");
        return CachedRatingStore.builder(RedisTestSupport.connection(), new InMemoryRatingStore())
                .keyPrefix(prefix).refreshAfterWrite(false).build();
    }
}
