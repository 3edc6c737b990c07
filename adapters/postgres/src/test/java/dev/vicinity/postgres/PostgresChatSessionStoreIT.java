package dev.vicinity.postgres;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.testkit.chat.ChatSessionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link ChatSessionStoreContract} against the real PostgreSQL, on a schema of its own. */
class PostgresChatSessionStoreIT extends ChatSessionStoreContract {
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
    protected ChatSessionStore create() {
        PgTestDatabase.truncate(pg);
        return pg.chatSessionStore();
    }
}
