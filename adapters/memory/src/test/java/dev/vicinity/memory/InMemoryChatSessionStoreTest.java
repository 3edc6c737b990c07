package dev.vicinity.memory;

import dev.vicinity.chat.memory.InMemoryChatSessionStore;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.testkit.chat.ChatSessionStoreContract;

class InMemoryChatSessionStoreTest extends ChatSessionStoreContract {
    @Override
    protected ChatSessionStore create() {
        return new InMemoryChatSessionStore();
    }
}
