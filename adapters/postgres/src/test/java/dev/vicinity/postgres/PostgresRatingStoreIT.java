package dev.vicinity.postgres;

import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.rating.RatingStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link RatingStoreContract} against the real PostgreSQL (16 threads, 16+ connections). */
class PostgresRatingStoreIT extends RatingStoreContract {
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    @Override
    protected RatingStore createStore() {
        PgTestDatabase.truncate(PG.get());
        return PG.get().ratingStore();
    }
}
