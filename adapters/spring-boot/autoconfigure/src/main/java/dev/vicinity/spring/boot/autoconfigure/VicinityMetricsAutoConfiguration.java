package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.core.VicinityListener;
import dev.vicinity.micrometer.MicrometerListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds the node's listener to the application's {@link MeterRegistry} ({@link MicrometerListener}) when
 * {@code vicinity-micrometer} is present and a registry bean exists (e.g. from Spring Boot Actuator). Backs
 * off when the application defines its own {@link VicinityListener}.
 */
@AutoConfiguration(before = VicinityAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, MicrometerListener.class})
@ConditionalOnBean(MeterRegistry.class)
public class VicinityMetricsAutoConfiguration {

    /** The Micrometer listener on the application's registry. */
    @Bean
    @ConditionalOnMissingBean(VicinityListener.class)
    public MicrometerListener vicinityMicrometerListener(MeterRegistry registry) {
        return new MicrometerListener(registry);
    }
}
