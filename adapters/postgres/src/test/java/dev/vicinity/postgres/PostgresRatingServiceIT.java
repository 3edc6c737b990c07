package dev.vicinity.postgres;

import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.rating.RatingServiceContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link RatingServiceContract} against the real PostgreSQL (16 threads, 16+ connections). */
class PostgresRatingServiceIT extends RatingServiceContract {
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    /** Every step is several round trips; 5 seeds (600 steps) keep the same coverage shape in seconds. */
    @Override
    protected int randomSequenceSeeds() {
        return 5;
    }

    @Override
    protected RatingStore createStore() {
        PgTestDatabase.truncate(PG.get());
        return PG.get().ratingStore();
    }
}
