package dev.vicinity.chat;

import dev.vicinity.chat.internal.BusCodec;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.spi.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes chat payloads; a failed publish is logged, never thrown (receivers recover from the store). Thread-safe. */
final class Publisher {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    private final EventBus bus;
    /** The payload this thread is publishing and the message it encodes (per instance: no static state). */
    @SuppressWarnings("ThreadLocalUsage") // per publisher on purpose: one per chat service
    private final ThreadLocal<Object[]> publishing = ThreadLocal.withInitial(() -> new Object[2]);

    Publisher(EventBus bus) {
        this.bus = bus;
    }

    /**
     * Publishes a stored message. While the bus delivers it on this thread (the in-memory bus does),
     * {@link #decodeMessage} hands receivers {@code m} itself instead of decoding the payload again.
     */
    void publishMessage(String topic, long version, ChatMessage m) {
        byte[] payload = BusCodec.message(version, m);
        if (BusCodec.hasLoneSurrogate(m.text())) {
            publish(topic, payload); // the payload carries '?' for it: receivers read that, as other nodes do
            return;
        }
        Object[] handOff = publishing.get();
        handOff[0] = payload;
        handOff[1] = m;
        try {
            publish(topic, payload);
        } finally {
            handOff[0] = null;
            handOff[1] = null;
        }
    }

    /** The message in {@code payload}: the one this thread is publishing if it is that very payload, else decoded. */
    ChatMessage decodeMessage(SessionId session, byte[] payload) {
        Object[] handOff = publishing.get();
        if (handOff[0] == payload && handOff[1] instanceof ChatMessage m && m.session().equals(session)) {
            return m;
        }
        return BusCodec.decodeMessage(session, payload);
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
