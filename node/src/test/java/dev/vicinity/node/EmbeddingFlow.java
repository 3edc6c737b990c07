package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.MutableClock;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The embedding flow every backend must pass, through the node's transport callbacks only: hello →
 * location → nearby → invite/accept/send → the peer goes offline → the chat ends ({@code peer_gone})
 * → both rate → both ratings are revealed (pushed to both). The node may run its own maintenance in
 * the background (the README calls {@code start()}); the flow also ticks it itself, and waits for
 * pushes, which may come from the bus.
 */
final class EmbeddingFlow {
    private static final Duration PUSH_WAIT = Duration.ofSeconds(10);

    private EmbeddingFlow() {}

    /** The README's {@code yourAuth}: the token {@code token-<name>} is user {@code <name>}. */
    static Optional<Principal> verify(String token, String device) {
        return token.startsWith("token-")
                ? Optional.of(new Principal(UserId.of(token.substring(6)), DeviceId.of(device)))
                : Optional.empty();
    }

    static void run(Vicinity vicinity, MutableClock clock) {
        TestClient alice = new TestClient(vicinity, "alice");
        TestClient bob = new TestClient(vicinity, "bob");
        assertThat(alice.hello().path("type").asText()).isEqualTo("welcome");
        assertThat(bob.hello().path("type").asText()).isEqualTo("welcome");
        assertThat(new TestClient(vicinity, "mallory").request("hello", "v", 1, "token", "forged", "device", "phone")
                .path("code").asText()).isEqualTo("auth_failed");

        assertThat(alice.request("geo.location", "lat", 52.5200, "lon", 13.4050, "accuracy", 10)
                .path("accepted").asBoolean()).isTrue();
        assertThat(bob.request("geo.location", "lat", 52.5235, "lon", 13.4120, "accuracy", 25)
                .path("accepted").asBoolean()).isTrue();
        JsonNode nearby = alice.request("geo.nearby", "radius", 5000, "limit", 10);
        assertThat(nearby.path("type").asText()).as("%s", nearby).isEqualTo("ok");
        assertThat(nearby.path("users").findValuesAsText("user")).containsExactly("bob");

        JsonNode invited = alice.request("chat.invite", "to", List.of("bob"));
        String session = invited.path("session").asText();
        assertThat(invited.path("state").asText()).as("%s", invited).isEqualTo("INVITED");
        // docs/rating.md: an open chat cannot be rated yet (session_not_ended, not session_not_found).
        assertThat(alice.request("rating.submit", "session", session, "ratee", "bob", "stars", 5).path("code").asText())
                .isEqualTo("session_not_ended");
        assertThat(bob.request("chat.accept", "session", session).path("type").asText()).isEqualTo("ok");
        assertThat(alice.request("chat.send", "session", session, "clientId", "m1", "text", "coffee?")
                .path("seq").asLong()).isEqualTo(1L);
        await().atMost(PUSH_WAIT).until(() -> bob.pushes("chat.message").stream()
                .anyMatch(m -> "coffee?".equals(m.path("text").asText())));
        assertThat(bob.request("rating.submit", "session", session, "ratee", "alice", "stars", 4).path("code").asText())
                .isEqualTo("session_not_ended");

        // Alice's socket closes for good; after the offline grace she is offline and the chat ends.
        vicinity.onClosed(alice.connection, 1000, "bye");
        for (int s = 1; s <= 60 && ended(bob).isEmpty(); s++) {
            clock.advance(Duration.ofSeconds(1));
            vicinity.tick();
            if (s % 5 == 0) {
                assertThat(bob.request("ping").path("type").asText()).isEqualTo("pong");
            }
            if (s % 10 == 0) {
                await().atMost(PUSH_WAIT).pollInterval(Duration.ofMillis(20))
                        .until(() -> !ended(bob).isEmpty() || !vicinity.presence().isOnline(UserId.of("alice")));
            }
        }
        await().atMost(PUSH_WAIT).until(() -> ended(bob).isPresent());
        assertThat(ended(bob).orElseThrow().path("endReason").asText()).isEqualTo("peer_gone");
        assertThat(vicinity.presence().isOnline(UserId.of("alice"))).isFalse();

        // Alice comes back; both rate; the second rating reveals both, pushed to both.
        TestClient alice2 = new TestClient(vicinity, "alice");
        assertThat(alice2.hello().path("type").asText()).isEqualTo("welcome");
        JsonNode first = alice2.request("rating.submit", "session", session, "ratee", "bob", "stars", 5);
        assertThat(first.path("state").asText()).as("%s", first).isEqualTo("SEALED");
        JsonNode second = bob.request("rating.submit", "session", session, "ratee", "alice", "stars", 4);
        assertThat(second.path("type").asText()).as("%s", second).isEqualTo("ok");
        await().atMost(PUSH_WAIT).until(() -> alice2.pushes("rating.revealed").size() == 2
                && bob.pushes("rating.revealed").size() == 2);
        assertThat(vicinity.ratings().summary(UserId.of("bob")).count()).isEqualTo(1);
        assertThat(vicinity.ratings().summary(UserId.of("alice")).count()).isEqualTo(1);
        vicinity.onClosed(alice2.connection, 1000, "bye");
        vicinity.onClosed(bob.connection, 1000, "bye");
    }

    private static Optional<JsonNode> ended(TestClient c) {
        return c.pushes("chat.session").stream().filter(f -> "ENDED".equals(f.path("state").asText())).findFirst();
    }
}
