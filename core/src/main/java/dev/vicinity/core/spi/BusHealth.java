package dev.vicinity.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Health of an {@link EventBus}.
 *
 * @param healthy whether publishes currently reach other nodes
 * @param detail short human-readable reason (never secrets)
 * @param since when this health state began
 */
public record BusHealth(boolean healthy, String detail, Instant since) {
    /**
     * Checks that {@code detail}, {@code since} are not null.
     * @throws NullPointerException if a required component is null
     */
    public BusHealth {
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(since, "since");
    }
}
