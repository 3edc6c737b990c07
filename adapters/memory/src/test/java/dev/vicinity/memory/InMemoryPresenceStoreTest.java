package dev.vicinity.memory;

import dev.vicinity.core.memory.InMemoryPresenceStore;
import dev.vicinity.core.memory.InMemoryResumeStore;

import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.testkit.PresenceStoreContract;

/** Binds the presence contract to the in-memory reference store; peers share the instance. */
class InMemoryPresenceStoreTest extends PresenceStoreContract {
    @Override
    protected PresenceStore createStore() {
        return new InMemoryPresenceStore();
    }

    @Override
    protected ResumeStore createResumeStore() {
        return new InMemoryResumeStore();
    }
}
