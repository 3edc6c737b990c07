package dev.vicinity.memory;

import dev.vicinity.chat.memory.InMemoryMessageStore;

import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.testkit.chat.MessageStoreContract;

class InMemoryMessageStoreTest extends MessageStoreContract {
    @Override
    protected MessageStore create() {
        return new InMemoryMessageStore();
    }
}
