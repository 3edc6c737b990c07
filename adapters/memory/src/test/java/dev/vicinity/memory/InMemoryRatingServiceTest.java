package dev.vicinity.memory;

import dev.vicinity.rating.memory.InMemoryRatingStore;

import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.rating.RatingServiceContract;

/** Runs the rating service contract on {@link InMemoryRatingStore}. */
class InMemoryRatingServiceTest extends RatingServiceContract {
    @Override
    protected RatingStore createStore() {
        return new InMemoryRatingStore();
    }
}
