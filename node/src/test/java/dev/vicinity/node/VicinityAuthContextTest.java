package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.AuthResult;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.Principal;
import dev.vicinity.gateway.Transport;
import dev.vicinity.gateway.UpgradeRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The authenticator with context through the node: {@code Vicinity.open(transport, upgrade)} hands the
 * upgrade request to the builder's context authenticator, which answers on another thread.
 */
class VicinityAuthContextTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService identityProvider = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        identityProvider.shutdownNow();
    }

    /** Records what the node sends. */
    private static final class Socket implements Transport {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        volatile Integer closedWith;

        @Override
        public CompletionStage<?> send(String text) {
            try {
                received.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new AssertionError(text, e);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close(int status, String reason) {
            closedWith = status;
        }

        @Override
        public String remoteAddress() {
            return "10.0.0.2:4711";
        }

        JsonNode awaitReply(String id) {
            await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch(f -> id.equals(f.path("re").asText())));
            return received.stream().filter(f -> id.equals(f.path("re").asText())).findFirst().orElseThrow();
        }
    }

    @Test
    void aSessionCookieIsCheckedAsynchronouslyThroughTheNode() {
        Map<String, String> sessions = Map.of("s-alice", "alice");
        try (Vicinity v = Vicinity.builder(new InMemoryBackend()).node(NodeId.of("n"))
                .authenticator(context -> CompletableFuture.supplyAsync(() -> context.cookie("SESSION")
                        .map(sessions::get)
                        .filter(user -> context.header("origin").orElse("").equals("https://app.example"))
                        .map(user -> AuthResult.accept(new Principal(UserId.of(user), context.device())))
                        .orElseGet(() -> AuthResult.refuse("no valid session")), identityProvider))
                .build()) {
            Socket aliceSocket = new Socket();
            GatewayConnection alice = v.open(aliceSocket, UpgradeRequest.builder()
                    .header("Origin", "https://app.example").cookie("SESSION", "s-alice").build());
            v.onText(alice, "{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"\",\"device\":\"web\"}");
            JsonNode welcome = aliceSocket.awaitReply("1");
            assertThat(welcome.path("type").asText()).as("%s", welcome).isEqualTo("welcome");
            assertThat(welcome.path("user").asText()).isEqualTo("alice");
            assertThat(v.presence().isOnline(UserId.of("alice"))).isTrue();

            Socket eveSocket = new Socket();
            GatewayConnection eve = v.open(eveSocket, UpgradeRequest.builder()
                    .header("Origin", "https://evil.example").cookie("SESSION", "s-alice").build());
            v.onText(eve, "{\"type\":\"hello\",\"id\":\"2\",\"v\":1,\"token\":\"\",\"device\":\"web\"}");
            JsonNode refused = eveSocket.awaitReply("2");
            assertThat(refused.path("code").asText()).isEqualTo("auth_failed");
            assertThat(refused.path("message").asText()).isEqualTo("no valid session");
            await().atMost(Duration.ofSeconds(5)).until(() -> eveSocket.closedWith != null);
            assertThat(eveSocket.closedWith).isEqualTo(4203);
        }
    }
}
