package dev.vicinity.core.memory;

import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.EventHandler;
import dev.vicinity.core.spi.LocalSubscribers;
import dev.vicinity.core.spi.Subscription;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * {@link EventBus} within one process. Every service that shares an instance behaves as if it ran on
 * its own node connected by a broker, which is how tests simulate several nodes.
 *
 * <p>Delivery is synchronous on the publishing thread, in subscription order, to the subscriptions
 * active when {@link #publish} starts; a handler that throws is logged and does not affect other
 * handlers or the publisher. Always healthy. Thread-safe; publishing costs one map lookup plus one
 * call per subscriber, with no allocation.
 */
public final class InMemoryEventBus implements EventBus {
    private final LocalSubscribers subscribers = new LocalSubscribers();
    private final BusHealth health;

    /** A bus reporting healthy since the system clock's now. */
    public InMemoryEventBus() {
        this(Clock.systemUTC());
    }

    /** A bus reporting healthy since {@code clock}'s now. */
    public InMemoryEventBus(Clock clock) {
        this.health = new BusHealth(true, "in-memory", Instant.now(clock));
    }

    @Override
    public void publish(String topic, byte[] payload) {
        LocalSubscribers.checkTopic(topic);
        Objects.requireNonNull(payload, "payload");
        subscribers.dispatch(topic, payload);
    }

    @Override
    public Subscription subscribe(String topic, EventHandler handler) {
        return subscribers.add(topic, handler).subscription();
    }

    /** True: handlers run on the publisher's thread, before {@code publish} returns. */
    @Override
    public boolean deliversOnPublisherThread() {
        return true;
    }

    @Override
    public BusHealth health() {
        return health;
    }

    /** Number of active subscriptions over all topics (for leak checks in tests). */
    public int subscriptionCount() {
        return subscribers.count();
    }
}
