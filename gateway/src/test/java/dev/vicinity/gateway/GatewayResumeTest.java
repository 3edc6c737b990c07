package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.GatewayHarness.Client;
import dev.vicinity.gateway.GatewayHarness.Node;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resume through the gateway, on the same node and on another node sharing stores and bus. */
class GatewayResumeTest {
    private final GatewayHarness h = new GatewayHarness();

    private static List<Long> seqs(List<JsonNode> frames) {
        return frames.stream().map(f -> f.get("seq").asLong()).toList();
    }

    private String activeSession(Client alice, Client bob) {
        String session = alice.request("chat.invite", "to", List.of("bob")).get("session").asText();
        bob.request("chat.accept", "session", session);
        return session;
    }

    @Test
    void resumeOnAnotherNodeReattachesWithOneLeaseAndReplaysExactlyTheMissedMessages() {
        Node a = h.node("A");
        Node b = h.node("B");
        Client alice = a.connect("alice");
        Client bob = b.connect("bob");
        String token = alice.hello("alice", "phone").get("resume").asText();
        bob.hello("bob", "phone");
        String session = activeSession(alice, bob);
        alice.request("chat.send", "session", session, "clientId", "a1", "text", "one");
        assertThat(seqs(alice.transport.ofType("chat.message"))).containsExactly(1L);

        // Alice's network drops; node A sees the socket go (1006).
        a.gateway.onClosed(alice.connection, 1006, "abnormal");
        for (int i = 2; i <= 4; i++) {
            bob.request("chat.send", "session", session, "clientId", "b" + i, "text", "msg " + i);
        }
        h.advance(Duration.ofSeconds(5), a, b);

        Client again = b.connect("alice-2");
        JsonNode resumed = again.request("resume", "v", 1, "resume", token,
                "chat", Map.of("sessions", Map.of(session, 1)));
        assertThat(resumed.get("type").asText()).isEqualTo("resumed");
        assertThat(resumed.get("resume").asText()).isNotBlank().isNotEqualTo(token);
        List<JsonNode> replayed = again.transport.ofType("chat.message");
        assertThat(seqs(replayed)).containsExactly(2L, 3L, 4L);
        assertThat(replayed).allMatch(f -> f.path("replayed").asBoolean());
        JsonNode done = again.transport.ofType("chat.resumed").get(0);
        assertThat(done.get("recovered").asBoolean()).isTrue();
        assertThat(done.get("top").asLong()).isEqualTo(4);
        // The reply comes first, then the replay, in order.
        assertThat(again.transport.received.get(0).get("type").asText()).isEqualTo("resumed");

        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(1)
                .allSatisfy(l -> assertThat(l.node().value()).isEqualTo("B"));
        assertThat(a.gateway.connections().connections()).isEmpty();

        // Live traffic continues on the new node without duplicates.
        bob.request("chat.send", "session", session, "clientId", "b5", "text", "five");
        assertThat(seqs(again.transport.ofType("chat.message"))).containsExactly(2L, 3L, 4L, 5L);
        // A spent token is refused with resume_expired and the socket is closed with 4101.
        Client replay = b.connect("mallory");
        assertThat(replay.request("resume", "v", 1, "resume", token).get("code").asText()).isEqualTo("resume_expired");
        assertThat(replay.transport.closedWith).isEqualTo(4101);
        for (int i = 0; i < 6; i++) { // a minute of pings: still exactly one lease, on B
            h.advance(Duration.ofSeconds(10), a, b);
            assertThat(again.request("ping").get("type").asText()).isEqualTo("pong");
        }
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(1)
                .allSatisfy(l -> assertThat(l.connection().value()).isEqualTo(resumed.get("connection").asText()));
    }

    @Test
    void resumeAfterTheOldNodeCrashedFencesNothingTwiceAndKeepsOneLease() {
        Node a = h.node("A");
        Node b = h.node("B");
        Client alice = a.connect("alice");
        Client bob = b.connect("bob");
        String token = alice.hello("alice", "phone").get("resume").asText();
        bob.hello("bob", "phone");
        String session = activeSession(alice, bob);
        // Node A dies silently: no close, no ticks, no more bus traffic.
        a.presence.close();
        bob.request("chat.send", "session", session, "clientId", "b1", "text", "are you there");
        h.advance(Duration.ofSeconds(3), b);
        Client again = b.connect("alice-2");
        JsonNode resumed = again.request("resume", "v", 1, "resume", token, "chat", Map.of("sessions", Map.of(session, 0)));
        assertThat(resumed.get("type").asText()).isEqualTo("resumed");
        assertThat(seqs(again.transport.ofType("chat.message"))).containsExactly(1L);
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(1)
                .allSatisfy(l -> assertThat(l.node().value()).isEqualTo("B"));
        for (int i = 0; i < 6; i++) {
            h.advance(Duration.ofSeconds(10), b);
            again.request("ping");
        }
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(1);
    }

    @Test
    void resumeOnTheSameNodeFencesTheOldTransportAndKeepsTheConnection() {
        Node a = h.node("A");
        Client alice = a.connect("alice");
        JsonNode welcome = alice.hello("alice", "phone");
        // The client reconnects before the server noticed the old socket died.
        Client again = a.connect("alice-2");
        JsonNode resumed = again.request("resume", "v", 1, "resume", welcome.get("resume").asText());
        assertThat(resumed.get("connection").asText()).isEqualTo(welcome.get("connection").asText());
        assertThat(alice.transport.closedWith).isEqualTo(4000);
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(1);
        assertThat(again.request("ping").get("type").asText()).isEqualTo("pong");
        assertThat(a.gateway.localConnections(UserId.of("alice"))).hasSize(1);
    }

    @Test
    void threeDisconnectCyclesWithoutTrafficReplayNothingAndLeaveOneLease() {
        Node a = h.node("A");
        Client bob = a.connect("bob");
        bob.hello("bob", "phone");
        Client alice = a.connect("alice");
        String token = alice.hello("alice", "phone").get("resume").asText();
        String session = activeSession(alice, bob);
        for (int cycle = 0; cycle < 3; cycle++) {
            a.gateway.onClosed(alice.connection, 1006, "gone");
            h.advance(Duration.ofSeconds(2), a);
            alice = a.connect("alice-" + cycle);
            JsonNode resumed = alice.request("resume", "v", 1, "resume", token,
                    "chat", Map.of("sessions", Map.of(session, 0)));
            assertThat(resumed.get("type").asText()).isEqualTo("resumed");
            token = resumed.get("resume").asText();
            assertThat(alice.transport.ofType("chat.message")).isEmpty();
            assertThat(alice.transport.ofType("chat.resumed").get(0).get("top").asLong()).isZero();
        }
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(1);
        assertThat(a.gateway.connections().connections()).hasSize(2);
    }

    @Test
    void aLargeBacklogIsNotPushedOnResumeButReloadedWithHistoryPages() {
        h.limits = GatewayLimits.builder().frameRate(RateLimit.perSecond(1e6, 1_000_000)).build();
        Node a = h.node("A");
        Client alice = a.connect("alice");
        Client bob = a.connect("bob");
        String token = alice.hello("alice", "phone").get("resume").asText();
        bob.hello("bob", "phone");
        String session = activeSession(alice, bob);
        a.gateway.onClosed(alice.connection, 1006, "lost");
        for (int i = 0; i < 250; i++) {
            bob.request("chat.send", "session", session, "clientId", "b" + i, "text", "m" + i);
        }
        Client again = a.connect("alice-2");
        JsonNode resumed = again.request("resume", "v", 1, "resume", token, "chat", Map.of("sessions", Map.of(session, 0)));
        assertThat(resumed.get("type").asText()).isEqualTo("resumed");
        assertThat(again.transport.ofType("chat.message")).isEmpty();
        JsonNode done = again.transport.ofType("chat.resumed").get(0);
        assertThat(done.get("recovered").asBoolean()).isFalse();
        assertThat(done.get("reason").asText()).isEqualTo("too_many_missed");
        assertThat(done.get("top").asLong()).isEqualTo(250);
        long after = 0;
        int pages = 0;
        while (after < 250) {
            JsonNode page = again.request("chat.history", "session", session, "after", after, "limit", 100);
            after = page.get("messages").get(page.get("messages").size() - 1).get("seq").asLong();
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        bob.request("chat.send", "session", session, "clientId", "b-live", "text", "live");
        assertThat(seqs(again.transport.ofType("chat.message"))).containsExactly(251L);
    }
}
