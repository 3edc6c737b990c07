package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.core.VicinityException;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.gateway.Authenticator;
import dev.vicinity.gateway.ContextAuthenticator;
import dev.vicinity.node.Vicinity;
import dev.vicinity.node.VicinityBackend;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds one {@link Vicinity} node from {@code vicinity.*} ({@link VicinityProperties}): the backend bundle
 * ({@code vicinity.backend}; PostgreSQL on the application's {@code DataSource}), the authenticator (a
 * {@link ContextAuthenticator} or {@link Authenticator} bean, else the Spring Security principal of the
 * upgrade request when Spring Security is present; none fails startup), the listener (a
 * {@link VicinityListener} bean, e.g. the Micrometer one), then every {@link VicinityBuilderCustomizer}.
 * Every bean backs off when the application defines its own of the same type. The node starts with the
 * context and is closed before the web server stops (graceful shutdown: connections detach, resumable on
 * another node); the backend bean is closed after it.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(VicinityProperties.class)
public class VicinityAutoConfiguration {

    /** The backend bundle {@code vicinity.backend} names; closed by the context after the node. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public VicinityBackend vicinityBackend(VicinityProperties properties, ObjectProvider<DataSource> dataSource,
            Environment environment, ResourceLoader resourceLoader) {
        boolean needsDataSource = properties.getBackend() == VicinityProperties.Backend.POSTGRES
                || properties.getBackend() == VicinityProperties.Backend.POSTGRES_REDIS;
        return BackendFactory.open(properties, needsDataSource ? dataSource.getIfUnique() : null,
                environment.getProperty("spring.data.redis.url"), resourceLoader.getClassLoader());
    }

    /** The node; built here, started and closed by {@link #vicinityLifecycle}. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Vicinity vicinity(VicinityProperties properties, VicinityBackend backend,
            ObjectProvider<ContextAuthenticator> contextAuthenticator, ObjectProvider<Authenticator> authenticator,
            ObjectProvider<VicinityListener> listener, ObjectProvider<VicinityBuilderCustomizer> customizers) {
        Vicinity.Builder b = Vicinity.builder(backend).closeBackend(false);
        ContextAuthenticator context = contextAuthenticator.getIfUnique();
        Authenticator simple = authenticator.getIfUnique();
        if (context != null) {
            b.authenticator(context);
        } else if (simple != null) {
            b.authenticator(simple);
        } else {
            throw new IllegalStateException("Vicinity needs an authenticator: define a bean of type"
                    + " dev.vicinity.gateway.Authenticator ((token, device) -> Optional<Principal>) or"
                    + " dev.vicinity.gateway.ContextAuthenticator, or add Spring Security so that the signed-in"
                    + " user of the WebSocket upgrade is used");
        }
        VicinityListener l = listener.getIfUnique();
        if (l != null) {
            b.listener(l);
        }
        PropertiesApplier.apply(properties, backend.distributed(), b);
        customizers.orderedStream().forEach(c -> c.customize(b));
        try {
            return b.build();
        } catch (IllegalArgumentException | VicinityException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Invalid ")) {
                throw e;
            }
            throw new IllegalArgumentException("Invalid vicinity.* configuration: " + e.getMessage(), e);
        }
    }

    /** Starts the node with the context; closes it before the web server shuts down. */
    @Bean
    @ConditionalOnMissingBean(name = "vicinityLifecycle")
    public SmartLifecycle vicinityLifecycle(Vicinity vicinity) {
        return new VicinityLifecycle(vicinity);
    }

    /** Spring Security present and no authenticator bean: the upgrade request's signed-in user. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.core.Authentication")
    static class HostPrincipalConfiguration {
        @Bean
        @ConditionalOnMissingBean({Authenticator.class, ContextAuthenticator.class})
        public ContextAuthenticator vicinityHostPrincipalAuthenticator() {
            return new HostPrincipalAuthenticator();
        }
    }

    /**
     * Phase {@code DEFAULT_PHASE - 512}: after the web server started (the gateway accepts sockets before
     * {@code start()} anyway), and stopped before the web server's graceful shutdown (phase
     * {@code DEFAULT_PHASE - 1024}), so clients get the node's detach rather than a dropped socket.
     */
    static final class VicinityLifecycle implements SmartLifecycle {
        private final Vicinity vicinity;
        private volatile boolean running;

        VicinityLifecycle(Vicinity vicinity) {
            this.vicinity = vicinity;
        }

        @Override
        public void start() {
            vicinity.start();
            running = true;
        }

        @Override
        public void stop() {
            vicinity.close();
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return SmartLifecycle.DEFAULT_PHASE - 512;
        }
    }
}
