package dev.vicinity.memory;

import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.EventHandler;
import dev.vicinity.core.spi.Subscription;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryEventBus.class);

    private final Map<String, List<Sub>> topics = new ConcurrentHashMap<>();
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
        checkTopic(topic);
        Objects.requireNonNull(payload, "payload");
        List<Sub> subs = topics.get(topic);
        if (subs == null) {
            return;
        }
        for (Sub s : subs) {
            if (s.active) {
                try {
                    s.handler.onEvent(topic, payload);
                } catch (RuntimeException e) {
                    LOG.warn("event handler on topic {} threw; ignored", topic, e);
                }
            }
        }
    }

    @Override
    public Subscription subscribe(String topic, EventHandler handler) {
        checkTopic(topic);
        Objects.requireNonNull(handler, "handler");
        Sub sub = new Sub(topic, handler);
        // Add inside compute so a concurrent close of the last subscription cannot orphan the list.
        topics.compute(topic, (t, subs) -> {
            List<Sub> list = subs != null ? subs : new CopyOnWriteArrayList<>();
            list.add(sub);
            return list;
        });
        return sub;
    }

    @Override
    public BusHealth health() {
        return health;
    }

    /** Number of active subscriptions over all topics (for leak checks in tests). */
    public int subscriptionCount() {
        int n = 0;
        for (List<Sub> subs : topics.values()) {
            n += subs.size();
        }
        return n;
    }

    private static void checkTopic(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must be a non-empty string");
        }
    }

    private final class Sub implements Subscription {
        private final String topic;
        private final EventHandler handler;
        private volatile boolean active = true;

        Sub(String topic, EventHandler handler) {
            this.topic = topic;
            this.handler = handler;
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public void close() {
            active = false;
            topics.computeIfPresent(topic, (t, subs) -> {
                subs.remove(this);
                return subs.isEmpty() ? null : subs;
            });
        }
    }
}
