package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.gateway.GatewayHarness.Client;
import dev.vicinity.gateway.GatewayHarness.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The frames and answer shapes the other gateway tests do not produce, driven once through the harness
 * so that the scripted transport validates them against protocol/schema/ too: decline, block inside a
 * chat, unblock, bye, a denied and a superseded location, and a resume naming sessions the user cannot
 * resume ({@code chat.resumed} with a {@code code}).
 */
class GatewaySchemaCoverageTest {
    private final GatewayHarness h = new GatewayHarness();

    @Test
    void declineBlockUnblockAndByeAnswerInTheirDocumentedShapes() {
        Node n = h.node("A");
        Client alice = n.connect("alice");
        Client bob = n.connect("bob");
        alice.hello("alice", "phone");
        bob.hello("bob", "phone");
        String declined = alice.request("chat.invite", "to", List.of("bob")).get("session").asText();
        JsonNode decline = bob.request("chat.decline", "session", declined);
        assertThat(decline.get("state").asText()).isEqualTo("DECLINED");
        assertThat(decline.has("endReason")).isFalse();

        String session = alice.request("chat.invite", "to", List.of("bob")).get("session").asText();
        bob.request("chat.accept", "session", session);
        JsonNode blocked = alice.request("chat.block", "session", session, "user", "bob");
        assertThat(blocked.get("state").asText()).isEqualTo("ENDED");
        assertThat(blocked.get("endReason").asText()).isEqualTo("blocked");
        assertThat(bob.transport.ofType("chat.session")).last()
                .satisfies(s -> assertThat(s.get("endReason").asText()).as("the blocked user reads left").isEqualTo("left"));
        assertThat(alice.request("geo.unblock", "user", "bob").get("type").asText()).isEqualTo("ok");
        assertThat(alice.request("geo.block", "user", "bob").get("type").asText()).isEqualTo("ok");

        JsonNode bye = bob.request("bye");
        assertThat(bye.get("type").asText()).isEqualTo("ok");
        assertThat(bob.transport.closedWith).isEqualTo(1000);
    }

    @Test
    void aDeniedLocationAndASupersededFixAnswerInTheirDocumentedShapes() {
        Node n = h.node("A");
        Client alice = n.connect("alice");
        alice.hello("alice", "phone");
        long now = h.clock.millis();
        assertThat(alice.request("geo.location", "lat", 52.52, "lon", 13.405, "at", now).get("discoverable").asBoolean())
                .isTrue();
        JsonNode older = alice.request("geo.location", "lat", 52.52, "lon", 13.405, "at", now - 60_000);
        assertThat(older.get("accepted").asBoolean()).isFalse();
        assertThat(older.get("reason").asText()).isEqualTo("superseded");
        JsonNode denied = alice.request("geo.location", "source", "unknown");
        assertThat(denied.get("accepted").asBoolean()).isTrue();
        assertThat(denied.get("discoverable").asBoolean()).isFalse();
    }

    @Test
    void aResumeNamingSessionsItCannotResumeGetsChatResumedWithACode() {
        Node n = h.node("A");
        Client alice = n.connect("alice");
        Client bob = n.connect("bob");
        Client carol = n.connect("carol");
        String token = alice.hello("alice", "phone").get("resume").asText();
        bob.hello("bob", "phone");
        carol.hello("carol", "phone");
        String theirs = bob.request("chat.invite", "to", List.of("carol")).get("session").asText();
        n.gateway.onClosed(alice.connection, 1006, "abnormal");

        Client again = n.connect("alice-2");
        JsonNode resumed = again.request("resume", "v", 1, "resume", token,
                "chat", Map.of("sessions", Map.of(theirs, 0, "no-such-session", 3)));
        assertThat(resumed.get("type").asText()).isEqualTo("resumed");
        List<JsonNode> refused = again.transport.ofType("chat.resumed");
        assertThat(refused).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("recovered").asBoolean()).isFalse();
            assertThat(r.has("code")).isTrue();
            assertThat(r.has("state")).isFalse();
        });
    }
}
