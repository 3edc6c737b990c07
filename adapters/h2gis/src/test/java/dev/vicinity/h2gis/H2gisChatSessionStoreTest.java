package dev.vicinity.h2gis;

import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.chat.ChatSessionStoreContract;
import dev.vicinity.chat.spi.ChatSessionStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link ChatSessionStoreContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisChatSessionStoreTest extends ChatSessionStoreContract {
    @RegisterExtension
    static final ClassResource<H2gisVicinity> DB = H2gisTestDatabase.perClass();

    @Override
    protected ChatSessionStore create() {
        H2gisTestDatabase.truncate(DB.get());
        return DB.get().chatSessionStore();
    }
}
