package dev.vicinity.memory;

import dev.vicinity.core.memory.InMemoryEventBus;

import dev.vicinity.core.spi.EventBus;
import dev.vicinity.testkit.EventBusContract;
import java.time.Duration;

/** Binds the event bus contract to the in-process bus; "peer" nodes share the instance. */
class InMemoryEventBusTest extends EventBusContract {
    @Override
    protected EventBus create() {
        return new InMemoryEventBus();
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ZERO; // delivery is synchronous: nothing can arrive late
    }
}
