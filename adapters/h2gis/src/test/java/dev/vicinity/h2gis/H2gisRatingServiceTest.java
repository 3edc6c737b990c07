package dev.vicinity.h2gis;

import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.rating.RatingServiceContract;
import dev.vicinity.rating.spi.RatingStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link RatingServiceContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisRatingServiceTest extends RatingServiceContract {
    @RegisterExtension
    static final ClassResource<H2gisVicinity> DB = H2gisTestDatabase.perClass();

    /** Hundreds of thousands of point lookups at 25 seeds; 5 seeds keep the coverage shape in seconds. */
    @Override
    protected int randomSequenceSeeds() {
        return 5;
    }

    @Override
    protected RatingStore createStore() {
        H2gisTestDatabase.truncate(DB.get());
        return DB.get().ratingStore();
    }
}
