package dev.vicinity.postgres;

import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.chat.MessageStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link MessageStoreContract} against the real PostgreSQL, on a schema of its own. */
class PostgresMessageStoreIT extends MessageStoreContract {
    @RegisterExtension
    static final ClassResource<PostgresVicinity> PG = PgTestDatabase.schemaPerClass();

    @Override
    protected MessageStore create() {
        PgTestDatabase.truncate(PG.get());
        return PG.get().messageStore();
    }
}
