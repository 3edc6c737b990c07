package dev.vicinity.core.spi;

/**
 * Topic-based publish/subscribe between the nodes of a deployment (in one process for the in-memory
 * implementation, across processes with Redis).
 *
 * <p>Delivery is at most once and unordered across topics; correctness never depends on the bus
 * alone (chat recovers missed messages from history by sequence number). A broker outage must show
 * in {@link #health()} and recovery must not need a restart. Implementations are thread-safe.
 */
public interface EventBus {

    /**
     * Publishes {@code payload} to every current subscriber of {@code topic} on every node. Returns
     * without waiting for delivery. While the bus is unhealthy the payload may be dropped.
     *
     * @param topic non-empty topic name (conventionally dot-separated, e.g. {@code vicinity.chat.s.123})
     */
    void publish(String topic, byte[] payload);

    /**
     * Subscribes {@code handler} to {@code topic} until the returned subscription is closed. The
     * handler may be called from a bus thread; it must not block for long. A handler that throws is
     * logged and stays subscribed.
     */
    Subscription subscribe(String topic, EventHandler handler);

    /** Current health; cheap to call. */
    BusHealth health();

    /**
     * Whether handlers run on the publisher's own thread, before {@link #publish} returns (an
     * in-process bus). Consumers may then handle events inline; otherwise handlers run on the bus's
     * shared dispatch thread(s), which a consumer must not hold up with I/O. Default {@code false}.
     */
    default boolean deliversOnPublisherThread() {
        return false;
    }
}
