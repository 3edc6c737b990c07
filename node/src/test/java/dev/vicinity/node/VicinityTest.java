package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.MutableClock;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.Authenticator;
import dev.vicinity.gateway.FrameHandler;
import dev.vicinity.gateway.FrameModule;
import dev.vicinity.node.testing.HarnessClient;
import dev.vicinity.node.testing.VicinityHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The node's builder checks, lifecycle and wiring that the flow does not show. */
class VicinityTest {
    private static final Authenticator NOBODY = (token, device) -> Optional.empty();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));

    @Test
    void nodeAndAuthenticatorAreRequiredAndNamed() {
        assertThatThrownBy(() -> Vicinity.builder(new InMemoryBackend()).authenticator(NOBODY).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("node");
        assertThatThrownBy(() -> Vicinity.builder(new InMemoryBackend()).node(NodeId.of("n")).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("authenticator");
        assertThatThrownBy(() -> Vicinity.builder(new InMemoryBackend()).cursorSecret(new byte[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
    }

    @Test
    void aDistributedBackendWithoutASharedCursorSecretIsRefusedAndWithOneBuilds() {
        VicinityBackend distributed = new ForwardingBackend(true);
        assertThatThrownBy(() -> Vicinity.builder(distributed).node(NodeId.of("n")).authenticator(NOBODY).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("distributed").hasMessageContaining("cursorSecret");
        try (Vicinity v = Vicinity.builder(distributed).node(NodeId.of("n")).authenticator(NOBODY)
                .cursorSecret("0123456789abcdef0123".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build()) {
            assertThat(v.matcher()).isNotNull();
        }
    }

    @Test
    void customizersReachTheModuleBuildersAndCloseIsOrderedIdempotentAndClosesTheBackend() {
        ForwardingBackend backend = new ForwardingBackend(false);
        AtomicInteger backendCloses = backend.closes;
        Vicinity v = Vicinity.builder(backend).node(NodeId.of("n")).authenticator(NOBODY).clock(clock)
                .presence(p -> p.leaseTtl(Duration.ofSeconds(60)))
                .chat(c -> c.inviteTimeout(Duration.ofSeconds(42)))
                .build();
        assertThat(v.presence().leaseTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(v.chat()).isNotNull();
        v.start();
        assertThatThrownBy(v::start).isInstanceOf(IllegalStateException.class);
        v.close();
        v.close();
        assertThat(backendCloses).hasValue(1);
        assertThatThrownBy(v::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aHostSchedulerIsUsedAndNotShutDownAndTheBackendCanStayOpen() throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        ForwardingBackend backend = new ForwardingBackend(false);
        AtomicInteger backendCloses = backend.closes;
        try {
            Vicinity v = Vicinity.builder(backend).node(NodeId.of("n")).authenticator(NOBODY)
                    .scheduler(scheduler).closeBackend(false).build().start();
            v.close();
            assertThat(scheduler.isShutdown()).isFalse();
            assertThat(backendCloses).hasValue(0);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void tickRunsEveryDutyOnceIncludingTheStaleLocationSweep() {
        InMemoryBackend backend = new InMemoryBackend();
        try (Vicinity v = Vicinity.builder(backend).node(NodeId.of("n")).authenticator(EmbeddingFlow::verify)
                .clock(clock).build()) {
            HarnessClient alice = VicinityHarness.attach(v, clock).client("alice");
            alice.hello("token-alice");
            alice.callOk("geo.location", "lat", 52.52, "lon", 13.405, "accuracy", 10);
            assertThat(backend.locationStore().get(UserId.of("alice"))).isPresent();
            clock.advance(Duration.ofHours(3)); // past the default max age of 2 h
            v.tick();
            assertThat(backend.locationStore().get(UserId.of("alice"))).isEmpty();
        }
    }

    @Test
    void aHostModuleGetsTheNodeAndReachesItsServices() {
        FrameModule[] made = new FrameModule[1];
        try (Vicinity v = Vicinity.builder(new InMemoryBackend()).node(NodeId.of("n")).authenticator(EmbeddingFlow::verify)
                .clock(clock).module(node -> made[0] = new FrameModule() {
                    @Override
                    public String name() {
                        return "demo";
                    }

                    @Override
                    public Map<String, FrameHandler> handlers() {
                        return Map.of("demo.online", r -> r.reply(r.newObject()
                                .put("online", node.presence().isOnline(r.user()))
                                .put("chat", node.chat() != null)));
                    }
                }).build()) {
            HarnessClient c = VicinityHarness.attach(v, clock).client("alice");
            c.hello("token-alice");
            assertThat(c.call("demo.online").path("online").asBoolean()).isTrue();
            assertThat(c.call("demo.online").path("chat").asBoolean()).isTrue();
        }
    }
}
