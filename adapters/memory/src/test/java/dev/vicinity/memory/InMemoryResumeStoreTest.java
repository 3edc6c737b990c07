package dev.vicinity.memory;

import dev.vicinity.core.memory.InMemoryResumeStore;

import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.testkit.ResumeStoreContract;

class InMemoryResumeStoreTest extends ResumeStoreContract {
    @Override
    protected ResumeStore createStore() {
        return new InMemoryResumeStore();
    }
}
