package dev.vicinity.chat;

import dev.vicinity.core.spi.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes chat payloads; a failed publish is logged, never thrown (receivers recover from the store). Thread-safe. */
final class Publisher {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    private final EventBus bus;

    Publisher(EventBus bus) {
        this.bus = bus;
    }

    void publish(String topic, byte[] payload) {
        try {
            bus.publish(topic, payload);
        } catch (RuntimeException e) {
            // Stored state is already durable; receivers recover it by sequence or on resume.
            LOG.warn("chat: publish to {} failed; receivers will recover from the store", topic, e);
        }
    }
}
