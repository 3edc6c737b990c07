package dev.vicinity.h2gis;

import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.rating.RatingStoreContract;
import dev.vicinity.rating.spi.RatingStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link RatingStoreContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisRatingStoreTest extends RatingStoreContract {
    @RegisterExtension
    static final ClassResource<H2gisVicinity> DB = H2gisTestDatabase.perClass();

    @Override
    protected RatingStore createStore() {
        H2gisTestDatabase.truncate(DB.get());
        return DB.get().ratingStore();
    }
}
