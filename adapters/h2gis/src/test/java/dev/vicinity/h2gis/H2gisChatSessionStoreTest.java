package dev.vicinity.h2gis;

import dev.vicinity.testkit.chat.ChatSessionStoreContract;
import dev.vicinity.chat.spi.ChatSessionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link ChatSessionStoreContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisChatSessionStoreTest extends ChatSessionStoreContract {
    private static H2gisVicinity db;

    @BeforeAll
    static void database() {
        db = H2gisTestDatabase.fresh();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    protected ChatSessionStore create() {
        H2gisTestDatabase.truncate(db);
        return db.chatSessionStore();
    }
}
