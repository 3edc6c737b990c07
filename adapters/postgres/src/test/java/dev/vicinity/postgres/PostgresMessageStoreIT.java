package dev.vicinity.postgres;

import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.testkit.chat.MessageStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link MessageStoreContract} against the real PostgreSQL, on a schema of its own. */
class PostgresMessageStoreIT extends MessageStoreContract {
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

    @Override
    protected MessageStore create() {
        PgTestDatabase.truncate(pg);
        return pg.messageStore();
    }
}
