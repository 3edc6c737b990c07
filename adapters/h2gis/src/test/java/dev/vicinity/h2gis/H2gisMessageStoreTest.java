package dev.vicinity.h2gis;

import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.chat.MessageStoreContract;
import dev.vicinity.chat.spi.MessageStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's {@link MessageStoreContract} against an embedded in-memory H2GIS database (no server needed). */
class H2gisMessageStoreTest extends MessageStoreContract {
    @RegisterExtension
    static final ClassResource<H2gisVicinity> DB = H2gisTestDatabase.perClass();

    @Override
    protected MessageStore create() {
        H2gisTestDatabase.truncate(DB.get());
        return DB.get().messageStore();
    }
}
