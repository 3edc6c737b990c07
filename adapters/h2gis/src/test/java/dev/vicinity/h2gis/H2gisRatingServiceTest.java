package dev.vicinity.h2gis;

import dev.vicinity.testkit.rating.RatingServiceContract;
import dev.vicinity.rating.spi.RatingStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link RatingServiceContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisRatingServiceTest extends RatingServiceContract {
    private static H2gisVicinity db;

    @BeforeAll
    static void database() {
        db = H2gisTestDatabase.fresh();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** Hundreds of thousands of point lookups at 25 seeds; 5 seeds keep the coverage shape in seconds. */
    @Override
    protected int randomSequenceSeeds() {
        return 5;
    }

    @Override
    protected RatingStore createStore() {
        H2gisTestDatabase.truncate(db);
        return db.ratingStore();
    }
}
