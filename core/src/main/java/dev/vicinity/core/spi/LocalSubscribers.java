package dev.vicinity.core.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local half of any {@link EventBus}: the handlers of this process per topic, and dispatch to
 * them. An implementation keeps one and forwards to it whatever arrives for a topic; this class
 * makes the subscriptions, isolates handlers (one that throws is logged, stays subscribed and does
 * not stop the others) and tells the implementation when the last local subscription of a topic
 * closes, so it can drop its broker-side subscription. Thread-safe; dispatch allocates nothing.
 */
public final class LocalSubscribers {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSubscribers.class);

    private final Map<String, List<Sub>> topics = new ConcurrentHashMap<>();
    private final Consumer<String> lastClosed;

    /** Subscribers with nothing to do when a topic's last subscription closes. */
    public LocalSubscribers() {
        this(topic -> { });
    }

    /**
     * @param lastClosed called (outside any lock of this class) with a topic whose last local
     *     subscription just closed
     */
    public LocalSubscribers(Consumer<String> lastClosed) {
        this.lastClosed = Objects.requireNonNull(lastClosed, "lastClosed");
    }

    /**
     * A new subscription and whether it is the first local one of its topic.
     *
     * @param subscription the handle to return to the caller of {@link EventBus#subscribe}
     * @param first true if the topic had no local subscription before
     */
    public record Added(Subscription subscription, boolean first) {}

    /** Registers {@code handler} for {@code topic}. */
    public Added add(String topic, EventHandler handler) {
        checkTopic(topic);
        Objects.requireNonNull(handler, "handler");
        Sub sub = new Sub(topic, handler);
        boolean[] first = new boolean[1];
        // Add inside compute so a concurrent close of the last subscription cannot orphan the list.
        topics.compute(topic, (t, subs) -> {
            List<Sub> list = subs != null ? subs : new CopyOnWriteArrayList<>();
            first[0] = list.isEmpty();
            list.add(sub);
            return list;
        });
        return new Added(sub, first[0]);
    }

    /** Hands {@code payload} to every active local subscription of {@code topic}, in subscription order. */
    public void dispatch(String topic, byte[] payload) {
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

    /** Whether {@code topic} has an active local subscription now. */
    public boolean has(String topic) {
        List<Sub> subs = topics.get(topic);
        return subs != null && !subs.isEmpty();
    }

    /** Number of active local subscriptions over all topics. */
    public int count() {
        int n = 0;
        for (List<Sub> subs : topics.values()) {
            n += subs.size();
        }
        return n;
    }

    /** Drops every subscription without callbacks (the bus is closing). */
    public void clear() {
        topics.values().forEach(subs -> subs.forEach(s -> s.active = false));
        topics.clear();
    }

    /** @throws IllegalArgumentException unless {@code topic} is a non-empty string */
    public static void checkTopic(String topic) {
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
            boolean[] last = new boolean[1];
            topics.computeIfPresent(topic, (t, subs) -> {
                if (active && subs.remove(this) && subs.isEmpty()) {
                    last[0] = true;
                }
                return subs.isEmpty() ? null : subs;
            });
            active = false;
            if (last[0]) {
                lastClosed.accept(topic);
            }
        }
    }
}
