package dev.vicinity.memory;

import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.testkit.RateLimitStoreContract;

/** The rate-limit contract on core's in-process store (the default of every limit). */
class LocalRateLimitStoreTest extends RateLimitStoreContract {
    @Override
    protected RateLimitStore createStore() {
        return new LocalRateLimitStore();
    }
}
