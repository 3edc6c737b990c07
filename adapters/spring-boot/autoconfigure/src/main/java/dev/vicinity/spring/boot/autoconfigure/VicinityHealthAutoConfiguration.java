package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.node.VicinityBackend;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Health indicators {@code vicinityStore} (a cheap key read of the durable store,
 * {@link VicinityBackend#checkStore()}; blocks at most the backend's timeout) and {@code vicinityBus} (the
 * event bus's last known state, {@link VicinityBackend#busHealth()}; never blocks), when Spring Boot's
 * health support is present. Each backs off when a bean of the same name exists.
 */
@AutoConfiguration(after = VicinityAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(VicinityBackend.class)
public class VicinityHealthAutoConfiguration {

    /** UP when the durable store answered, DOWN with the error otherwise; detail {@code backend}. */
    @Bean
    @ConditionalOnMissingBean(name = "vicinityStoreHealthIndicator")
    public HealthIndicator vicinityStoreHealthIndicator(VicinityBackend backend) {
        return () -> {
            try {
                backend.checkStore();
                return Health.up().withDetail("backend", backend.name()).build();
            } catch (RuntimeException e) {
                return Health.down().withDetail("backend", backend.name())
                        .withDetail("error", String.valueOf(e.getMessage())).build();
            }
        };
    }

    /** UP or DOWN as the bus reports, with its detail and since when. */
    @Bean
    @ConditionalOnMissingBean(name = "vicinityBusHealthIndicator")
    public HealthIndicator vicinityBusHealthIndicator(VicinityBackend backend) {
        return () -> {
            BusHealth bus = backend.busHealth();
            return (bus.healthy() ? Health.up() : Health.down()).withDetail("detail", bus.detail())
                    .withDetail("since", bus.since().toString()).build();
        };
    }
}
