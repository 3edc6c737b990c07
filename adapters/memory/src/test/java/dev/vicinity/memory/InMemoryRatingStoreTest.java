package dev.vicinity.memory;

import dev.vicinity.rating.memory.InMemoryRatingStore;

import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.rating.RatingStoreContract;

/** Binds the rating store contract to {@link InMemoryRatingStore}. */
class InMemoryRatingStoreTest extends RatingStoreContract {
    @Override
    protected RatingStore createStore() {
        return new InMemoryRatingStore();
    }
}
