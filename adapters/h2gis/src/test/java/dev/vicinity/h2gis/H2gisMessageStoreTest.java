package dev.vicinity.h2gis;

import dev.vicinity.testkit.chat.MessageStoreContract;
import dev.vicinity.chat.spi.MessageStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's {@link MessageStoreContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisMessageStoreTest extends MessageStoreContract {
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
    protected MessageStore create() {
        H2gisTestDatabase.truncate(db);
        return db.messageStore();
    }
}
