package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.MutableClock;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.Principal;
import dev.vicinity.node.testing.HarnessClient;
import dev.vicinity.node.testing.VicinityHarness;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The embedding flow every backend must pass, through the node's transport callbacks only: hello →
 * location → nearby → invite/accept/send → the peer goes offline → the chat ends ({@code peer_gone})
 * → both rate → both ratings are revealed (pushed to both), driven by {@link VicinityHarness} clients
 * attached to the node. The node may run its own maintenance in the background (the README calls
 * {@code start()}); the harness also ticks it, and the flow waits for pushes, which may come from the bus.
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
        VicinityHarness harness = VicinityHarness.attach(vicinity, clock); // the caller closes the node
        HarnessClient alice = harness.client("alice");
        HarnessClient bob = harness.client("bob");
        assertThat(alice.hello("token-alice").path("type").asText()).isEqualTo("welcome");
        assertThat(bob.hello("token-bob").path("type").asText()).isEqualTo("welcome");
        assertThat(harness.client("mallory").call("hello", "v", 1, "token", "forged", "device", "phone")
                .path("code").asText()).isEqualTo("auth_failed");

        assertThat(alice.call("geo.location", "lat", 52.5200, "lon", 13.4050, "accuracy", 10)
                .path("accepted").asBoolean()).isTrue();
        assertThat(bob.call("geo.location", "lat", 52.5235, "lon", 13.4120, "accuracy", 25)
                .path("accepted").asBoolean()).isTrue();
        JsonNode nearby = alice.call("geo.nearby", "radius", 5000, "limit", 10);
        assertThat(nearby.path("type").asText()).as("%s", nearby).isEqualTo("ok");
        assertThat(nearby.path("users").findValuesAsText("user")).containsExactly("bob");

        JsonNode invited = alice.call("chat.invite", "to", List.of("bob"));
        String session = invited.path("session").asText();
        assertThat(invited.path("state").asText()).as("%s", invited).isEqualTo("INVITED");
        // docs/rating.md: an open chat cannot be rated yet (session_not_ended, not session_not_found).
        assertThat(alice.call("rating.submit", "session", session, "ratee", "bob", "stars", 5).path("code").asText())
                .isEqualTo("session_not_ended");
        assertThat(bob.call("chat.accept", "session", session).path("type").asText()).isEqualTo("ok");
        assertThat(alice.call("chat.send", "session", session, "clientId", "m1", "text", "coffee?")
                .path("seq").asLong()).isEqualTo(1L);
        await().atMost(PUSH_WAIT).until(() -> bob.pushes("chat.message").stream()
                .anyMatch(m -> "coffee?".equals(m.path("text").asText())));
        assertThat(bob.call("rating.submit", "session", session, "ratee", "alice", "stars", 4).path("code").asText())
                .isEqualTo("session_not_ended");

        // Alice's socket closes for good; after the offline grace she is offline and the chat ends.
        // Bob stays: advance() sends his heartbeat pings (each answered pong) and ticks the node.
        alice.close(1000);
        for (int s = 1; s <= 60 && ended(bob).isEmpty(); s++) {
            harness.advance(Duration.ofSeconds(1));
            if (s % 10 == 0) {
                await().atMost(PUSH_WAIT).pollInterval(Duration.ofMillis(20))
                        .until(() -> !ended(bob).isEmpty() || !vicinity.presence().isOnline(UserId.of("alice")));
            }
        }
        await().atMost(PUSH_WAIT).until(() -> ended(bob).isPresent());
        assertThat(ended(bob).orElseThrow().path("endReason").asText()).isEqualTo("peer_gone");
        assertThat(vicinity.presence().isOnline(UserId.of("alice"))).isFalse();
        assertThat(bob.connected()).isTrue();

        // Alice comes back; both rate; the second rating reveals both, pushed to both.
        HarnessClient alice2 = harness.client("alice");
        assertThat(alice2.hello("token-alice").path("type").asText()).isEqualTo("welcome");
        JsonNode first = alice2.call("rating.submit", "session", session, "ratee", "bob", "stars", 5);
        assertThat(first.path("state").asText()).as("%s", first).isEqualTo("SEALED");
        JsonNode second = bob.call("rating.submit", "session", session, "ratee", "alice", "stars", 4);
        assertThat(second.path("type").asText()).as("%s", second).isEqualTo("ok");
        await().atMost(PUSH_WAIT).until(() -> alice2.pushes("rating.revealed").size() == 2
                && bob.pushes("rating.revealed").size() == 2);
        assertThat(vicinity.ratings().summary(UserId.of("bob")).count()).isEqualTo(1);
        assertThat(vicinity.ratings().summary(UserId.of("alice")).count()).isEqualTo(1);
        alice2.close(1000);
        bob.close(1000);
        ProtocolFrames.assertValid(alice, bob, alice2);
    }

    private static Optional<JsonNode> ended(HarnessClient c) {
        return c.pushes("chat.session").stream().filter(f -> "ENDED".equals(f.path("state").asText())).findFirst();
    }
}
