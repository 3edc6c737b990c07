package dev.vicinity.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.NodeId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.gateway.Authenticator;
import dev.vicinity.gateway.ContextAuthenticator;
import dev.vicinity.micrometer.MicrometerListener;
import dev.vicinity.node.Backends;
import dev.vicinity.node.H2gisBackend;
import dev.vicinity.node.InMemoryBackend;
import dev.vicinity.node.Vicinity;
import dev.vicinity.node.VicinityBackend;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class VicinityAutoConfigurationTest {
    private static final FilteredClassLoader NO_SPRING_SECURITY = new FilteredClassLoader("org.springframework.security");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(VicinityMetricsAutoConfiguration.class,
                    VicinityAutoConfiguration.class, VicinityWebSocketAutoConfiguration.class,
                    VicinityHealthAutoConfiguration.class))
            .withClassLoader(NO_SPRING_SECURITY)
            .withUserConfiguration(AuthConfig.class);

    @Configuration(proxyBeanMethods = false)
    static class AuthConfig {
        @Bean
        Authenticator authenticator() {
            return (token, device) -> Optional.empty();
        }
    }

    @Test
    void memoryIsTheDefaultAndTheNodeRunsWithTheContext() {
        Vicinity[] node = new Vicinity[1];
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            Vicinity vicinity = context.getBean(Vicinity.class);
            node[0] = vicinity;
            assertThat(context.getBean(VicinityBackend.class)).isInstanceOf(InMemoryBackend.class);
            assertThat(vicinity.backend()).isSameAs(context.getBean(VicinityBackend.class));
            assertThat(vicinity.node()).isEqualTo(NodeId.of("node-1"));
            assertThat(context.getBean("vicinityLifecycle", SmartLifecycle.class).isRunning()).isTrue();
            // not a web application: no endpoint
            assertThat(context).doesNotHaveBean(VicinityWebSocketHandler.class);
        });
        // closed with the context: a closed node refuses start()
        org.assertj.core.api.Assertions.assertThatThrownBy(node[0]::start)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void healthIndicatorsReportStoreAndBus() {
        runner.run(context -> {
            HealthIndicator store = context.getBean("vicinityStoreHealthIndicator", HealthIndicator.class);
            HealthIndicator bus = context.getBean("vicinityBusHealthIndicator", HealthIndicator.class);
            assertThat(store.health().getStatus()).isEqualTo(Status.UP);
            assertThat(store.health().getDetails()).containsEntry("backend",
                    context.getBean(VicinityBackend.class).name());
            assertThat(bus.health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void storeHealthIsDownWhenTheStoreFails() {
        runner.withBean(VicinityBackend.class, BrokenStoreBackend::new).run(context -> {
            HealthIndicator store = context.getBean("vicinityStoreHealthIndicator", HealthIndicator.class);
            assertThat(store.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(store.health().getDetails()).containsEntry("error", "store is down");
        });
    }

    @Test
    void h2gisInMemoryAndOnFile(@TempDir Path dir) {
        runner.withPropertyValues("vicinity.backend=h2gis", "vicinity.h2gis.path=mem:boot-test").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(VicinityBackend.class)).isInstanceOf(H2gisBackend.class);
        });
        Path file = dir.resolve("data/vicinity");
        runner.withPropertyValues("vicinity.backend=h2gis", "vicinity.h2gis.path=" + file).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(VicinityBackend.class)).isInstanceOf(H2gisBackend.class);
            assertThat(Files.exists(dir.resolve("data/vicinity.mv.db"))).isTrue();
        });
    }

    @Test
    void h2gisWithoutTheAdapterSaysWhichDependencyToAdd() {
        runner.withClassLoader(new FilteredClassLoader("dev.vicinity.h2gis", "org.springframework.security"))
                .withPropertyValues("vicinity.backend=h2gis")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("vicinity.backend=h2gis needs dev.vicinity:vicinity-h2gis"));
    }

    @Test
    void postgresWithoutADataSourceSaysSo() {
        runner.withPropertyValues("vicinity.backend=postgres")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("vicinity.backend=postgres needs a DataSource bean"));
    }

    @Test
    void backendValueIsBoundLeniently() {
        VicinityProperties p = new VicinityProperties();
        runner.withPropertyValues("vicinity.backend=postgres+redis", "vicinity.redis.uri=redis://10.0.0.1:6380")
                .withBean(VicinityBackend.class, Backends::inMemory)
                .run(context -> {
                    VicinityProperties bound = context.getBean(VicinityProperties.class);
                    assertThat(bound.getBackend()).isEqualTo(VicinityProperties.Backend.POSTGRES_REDIS);
                    assertThat(BackendFactory.redisUri(bound, "redis://ignored")).isEqualTo("redis://10.0.0.1:6380");
                });
        for (String spelling : new String[] {"POSTGRES_REDIS", "postgres-redis"}) {
            runner.withPropertyValues("vicinity.backend=" + spelling)
                    .withBean(VicinityBackend.class, Backends::inMemory)
                    .run(context -> assertThat(context.getBean(VicinityProperties.class).getBackend())
                            .isEqualTo(VicinityProperties.Backend.POSTGRES_REDIS));
        }
        assertThat(BackendFactory.redisUri(p, "redis://spring:6379")).isEqualTo("redis://spring:6379");
        assertThat(BackendFactory.redisUri(p, null)).isEqualTo("redis://127.0.0.1:6379");
    }

    @Test
    void propertiesReachTheNode() {
        runner.withPropertyValues("vicinity.node-id=alpha", "vicinity.cursor-secret=0123456789abcdef",
                        "vicinity.gateway.max-frame-bytes=1024", "vicinity.gateway.frames-per-second=7",
                        "vicinity.gateway.frame-burst=9", "vicinity.gateway.max-connections-per-user=2",
                        "vicinity.presence.lease-ttl=60s", "vicinity.matcher.max-radius-meters=1200",
                        "vicinity.chat.invite-timeout=45s", "vicinity.chat.idle-timeout=5m",
                        "vicinity.rating.window=2d", "vicinity.rating.count-once-per=3d")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Vicinity v = context.getBean(Vicinity.class);
                    assertThat(v.node()).isEqualTo(NodeId.of("alpha"));
                    assertThat(v.gateway().limits().maxFrameBytes()).isEqualTo(1024);
                    assertThat(v.gateway().limits().framesPerSecond()).isEqualTo(7.0);
                    assertThat(v.gateway().limits().frameBurst()).isEqualTo(9);
                    assertThat(v.gateway().limits().maxConnectionsPerUser()).isEqualTo(2);
                    assertThat(v.presence().leaseTtl()).isEqualTo(Duration.ofSeconds(60));
                    assertThat(v.matcher().maxRadiusMeters()).isEqualTo(1200.0);
                    assertThat(v.chat().inviteTimeout()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(v.chat().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(v.ratings().ratingWindow()).isEqualTo(Duration.ofDays(2));
                    assertThat(v.ratings().countOncePer()).isEqualTo(Duration.ofDays(3));
                });
    }

    @Test
    void unsetPropertiesKeepTheLibraryDefaults() {
        runner.run(context -> {
            Vicinity v = context.getBean(Vicinity.class);
            try (Vicinity plain = Vicinity.builder(Backends.inMemory())
                    .node(NodeId.of("x")).authenticator((t, d) -> Optional.empty()).build()) {
                assertThat(v.gateway().limits()).isEqualTo(plain.gateway().limits());
                assertThat(v.presence().leaseTtl()).isEqualTo(plain.presence().leaseTtl());
                assertThat(v.matcher().maxRadiusMeters()).isEqualTo(plain.matcher().maxRadiusMeters());
                assertThat(v.chat().inviteTimeout()).isEqualTo(plain.chat().inviteTimeout());
                assertThat(v.ratings().ratingWindow()).isEqualTo(plain.ratings().ratingWindow());
            }
        });
    }

    @Test
    void invalidValuesFailStartupNamingTheProperty() {
        runner.withPropertyValues("vicinity.backend=mongo")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("Failed to bind properties under 'vicinity.backend'"));
        runner.withPropertyValues("vicinity.gateway.max-frame-bytes=10")
                .run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining(
                        "Invalid value of vicinity.gateway.max-frame-bytes (10): maxFrameBytes must be >= 256"));
        runner.withPropertyValues("vicinity.gateway.auth-timeout=-5s")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("Invalid value of vicinity.gateway.auth-timeout"));
        runner.withPropertyValues("vicinity.chat.messages-per-second=3")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("vicinity.chat.message-burst is missing"));
        runner.withPropertyValues("vicinity.cursor-secret=short")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("Invalid value of vicinity.cursor-secret"));
        runner.withPropertyValues("vicinity.node-id=")
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues("vicinity.presence.lease-ttl=30s", "vicinity.gateway.heartbeat-interval=20s")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("heartbeatInterval"));
    }

    @Test
    void withoutAnAuthenticatorStartupFailsWithAClearMessage() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(VicinityAutoConfiguration.class))
                .withClassLoader(NO_SPRING_SECURITY)
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("Vicinity needs an authenticator")
                        .hasStackTraceContaining("dev.vicinity.gateway.Authenticator"));
    }

    @Test
    void withSpringSecurityAndNoAuthenticatorTheUpgradePrincipalIsUsed() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(VicinityAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ContextAuthenticator.class)).isInstanceOf(HostPrincipalAuthenticator.class);
                });
        // an application authenticator wins
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(VicinityAutoConfiguration.class))
                .withUserConfiguration(AuthConfig.class)
                .run(context -> assertThat(context).doesNotHaveBean(HostPrincipalAuthenticator.class));
    }

    @Test
    void userBeansWin() {
        VicinityBackend own = Backends.inMemory();
        runner.withBean("myBackend", VicinityBackend.class, () -> own).run(context -> {
            assertThat(context.getBean(VicinityBackend.class)).isSameAs(own);
            assertThat(context.getBean(Vicinity.class).backend()).isSameAs(own);
        });
        runner.withBean("myVicinity", Vicinity.class, () -> Vicinity.builder(Backends.inMemory())
                        .node(NodeId.of("mine")).authenticator((t, d) -> Optional.empty()).build())
                .run(context -> assertThat(context.getBean(Vicinity.class).node()).isEqualTo(NodeId.of("mine")));
        runner.withBean(VicinityBuilderCustomizer.class, () -> b -> b.node(NodeId.of("customized")))
                .run(context -> assertThat(context.getBean(Vicinity.class).node()).isEqualTo(NodeId.of("customized")));
    }

    @Test
    void healthIndicatorsAndLifecycleBackOffByName() {
        HealthIndicator own = () -> org.springframework.boot.health.contributor.Health.unknown().build();
        SmartLifecycle ownLifecycle = new SmartLifecycle() {
            private boolean running;
            @Override public void start() { running = true; }
            @Override public void stop() { running = false; }
            @Override public boolean isRunning() { return running; }
        };
        runner.withBean("vicinityStoreHealthIndicator", HealthIndicator.class, () -> own)
                .withBean("vicinityLifecycle", SmartLifecycle.class, () -> ownLifecycle)
                .run(context -> {
                    assertThat(context.getBean("vicinityStoreHealthIndicator")).isSameAs(own);
                    assertThat(context.getBean("vicinityLifecycle")).isSameAs(ownLifecycle);
                    // the node was not started by the auto-configuration: start() succeeds here
                    context.getBean(Vicinity.class).start();
                });
    }

    @Test
    void micrometerListenerOnTheApplicationsRegistryUnlessTheApplicationHasAListener() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(MicrometerListener.class);
            assertThat(context.getBean(MeterRegistry.class).getMeters()).isNotEmpty();
        });
        runner.run(context -> assertThat(context).doesNotHaveBean(MicrometerListener.class));
        VicinityListener own = new VicinityListener() { };
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(VicinityListener.class, () -> own)
                .run(context -> {
                    assertThat(context).doesNotHaveBean(MicrometerListener.class);
                    assertThat(context.getBean(VicinityListener.class)).isSameAs(own);
                });
    }

    /** An in-memory backend whose store check fails. */
    static final class BrokenStoreBackend implements VicinityBackend {
        private final InMemoryBackend delegate = new InMemoryBackend();

        // CHECKSTYLE:OFF delegate methods
        @Override public String name() { return "broken"; }
        @Override public dev.vicinity.core.spi.PresenceStore presenceStore() { return delegate.presenceStore(); }
        @Override public dev.vicinity.core.spi.EventBus eventBus() { return delegate.eventBus(); }
        @Override public dev.vicinity.core.spi.ResumeStore resumeStore() { return delegate.resumeStore(); }
        @Override public dev.vicinity.geo.spi.LocationStore locationStore() { return delegate.locationStore(); }
        @Override public dev.vicinity.geo.spi.ProximityIndex proximityIndex() { return delegate.proximityIndex(); }
        @Override public dev.vicinity.geo.spi.BlockList blockList() { return delegate.blockList(); }
        @Override public dev.vicinity.chat.spi.ChatSessionStore chatSessionStore() { return delegate.chatSessionStore(); }
        @Override public dev.vicinity.chat.spi.MessageStore messageStore() { return delegate.messageStore(); }
        @Override public dev.vicinity.rating.spi.RatingStore ratingStore() { return delegate.ratingStore(); }
        @Override public dev.vicinity.core.spi.RateLimitStore rateLimitStore() { return delegate.rateLimitStore(); }
        @Override public boolean distributed() { return false; }
        @Override public void checkStore() { throw new IllegalStateException("store is down"); }
        @Override public void close() { delegate.close(); }
    }
}
