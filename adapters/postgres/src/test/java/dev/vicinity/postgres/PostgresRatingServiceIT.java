package dev.vicinity.postgres;

import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.rating.RatingServiceContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link RatingServiceContract} against the real PostgreSQL (16 threads, 16+ connections). */
class PostgresRatingServiceIT extends RatingServiceContract {
    private static PostgresVicinity pg;

    @BeforeAll
    static void schema() {
        PgTestDatabase.require();
        pg = PgTestDatabase.freshSchema(PgTestDatabase.dataSource());
    }

    @AfterAll
    static void dropSchema() {
        PgTestDatabase.drop(pg);
    }

    /** Every step is several round trips; 5 seeds (600 steps) keep the same coverage shape in seconds. */
    @Override
    protected int randomSequenceSeeds() {
        return 5;
    }

    @Override
    protected RatingStore createStore() {
        PgTestDatabase.truncate(pg);
        return pg.ratingStore();
    }
}
