package dev.vicinity.postgres;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.chat.ChatSessionStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link ChatSessionStoreContract} against the real PostgreSQL, on a schema of its own. */
class PostgresChatSessionStoreIT extends ChatSessionStoreContract {
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    @Override
    protected ChatSessionStore create() {
        PgTestDatabase.truncate(PG.get());
        return PG.get().chatSessionStore();
    }
}
