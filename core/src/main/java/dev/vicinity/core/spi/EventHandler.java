package dev.vicinity.core.spi;

/** Receives events of one subscription. */
@FunctionalInterface
public interface EventHandler {
    /** One event; {@code payload} must not be modified. */
    void onEvent(String topic, byte[] payload);
}
