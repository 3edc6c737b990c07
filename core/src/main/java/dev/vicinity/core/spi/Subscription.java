package dev.vicinity.core.spi;

/** A live subscription to one topic. Closing is idempotent and thread-safe. */
public interface Subscription extends AutoCloseable {

    /** The subscribed topic. */
    String topic();

    /** False once closed. */
    boolean isActive();

    /** Stops delivery to this subscription's handler; events in flight may still arrive once. */
    @Override
    void close();
}
