package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.GatewayHarness.Client;
import dev.vicinity.gateway.GatewayHarness.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whole conversations through the gateway with scripted transports: two users on two nodes share
 * locations, find each other, chat, leave and rate; a third user is refused everywhere.
 */
class GatewayConversationTest {
    private final GatewayHarness h = new GatewayHarness();

    private static List<Long> seqs(List<JsonNode> frames) {
        return frames.stream().map(f -> f.get("seq").asLong()).toList();
    }

    @Test
    void twoUsersFindEachOtherChatLeaveAndRate() {
        Node a = h.node("A");
        Node b = h.node("B");
        Client alice = a.connect("alice");
        Client bob = b.connect("bob");

        JsonNode welcome = alice.hello("alice", "phone");
        assertThat(welcome.get("type").asText()).isEqualTo("welcome");
        assertThat(welcome.get("v").asInt()).isEqualTo(1);
        assertThat(welcome.get("resume").asText()).isNotBlank();
        assertThat(welcome.get("chat").isArray()).isTrue();
        assertThat(bob.hello("bob", "phone").get("type").asText()).isEqualTo("welcome");

        assertThat(alice.request("geo.location", "lat", 52.5200, "lon", 13.4050, "accuracy", 10).get("type").asText())
                .isEqualTo("ok");
        assertThat(bob.request("geo.location", "lat", 52.5230, "lon", 13.4080, "source", "approximate").get("accepted")
                .asBoolean()).isTrue();
        JsonNode nearby = alice.request("geo.nearby", "radius", 5000, "limit", 10);
        assertThat(nearby.get("type").asText()).isEqualTo("ok");
        assertThat(nearby.get("users")).hasSize(1);
        assertThat(nearby.get("users").get(0).get("user").asText()).isEqualTo("bob");
        assertThat(nearby.get("users").get(0).get("distance").asText()).isNotBlank();
        assertThat(nearby.get("users").get(0).get("online").asBoolean()).isTrue();
        // No frame anywhere carries coordinates of another user.
        assertThat(alice.transport.received.toString()).doesNotContain("52.523").doesNotContain("13.408");

        JsonNode invited = alice.request("chat.invite", "to", List.of("bob"));
        String session = invited.get("session").asText();
        assertThat(invited.get("state").asText()).isEqualTo("INVITED");
        assertThat(bob.transport.ofType("chat.session")).isNotEmpty();
        assertThat(bob.request("chat.accept", "session", session).get("state").asText())
                .isEqualTo("ACTIVE");

        JsonNode sent = alice.request("chat.send", "session", session, "clientId", "m-1", "text", "hi bob");
        assertThat(sent.get("seq").asLong()).isEqualTo(1);
        assertThat(alice.request("chat.send", "session", session, "clientId", "m-1", "text", "hi bob")
                .get("duplicate").asBoolean()).isTrue();
        assertThat(bob.request("chat.send", "session", session, "clientId", "b-1", "text", "hi alice")
                .get("seq").asLong()).isEqualTo(2);
        assertThat(seqs(bob.transport.ofType("chat.message"))).containsExactly(1L, 2L);
        assertThat(seqs(alice.transport.ofType("chat.message"))).containsExactly(1L, 2L);
        assertThat(bob.transport.ofType("chat.message").get(0).get("text").asText()).isEqualTo("hi bob");
        assertThat(bob.request("chat.read", "session", session, "seq", 2).get("type").asText()).isEqualTo("ok");
        assertThat(alice.request("chat.typing", "session", session).get("type").asText()).isEqualTo("ok");
        JsonNode history = bob.request("chat.history", "session", session, "after", 0, "limit", 50);
        assertThat(seqs(iterable(history.get("messages")))).containsExactly(1L, 2L);

        // Rating before the end is refused; after leaving it works and is double-blind.
        assertThat(alice.request("rating.submit", "session", session, "ratee", "bob", "stars", 5).get("code").asText())
                .isEqualTo("session_not_ended");
        JsonNode left = alice.request("chat.leave", "session", session);
        assertThat(left.get("state").asText()).isEqualTo("ENDED");
        assertThat(left.get("endReason").asText()).isEqualTo("left");
        int bobMessagesBefore = bob.transport.ofType("chat.message").size();
        assertThat(bob.request("chat.send", "session", session, "clientId", "b-2", "text", "still there?")
                .get("type").asText()).isEqualTo("error");
        assertThat(alice.transport.ofType("chat.message")).hasSize(2);
        assertThat(bob.transport.ofType("chat.message")).hasSize(bobMessagesBefore);
        // Retries of stored messages after the end get the originals, not a refusal; nothing is pushed.
        JsonNode retriedAfterLeaving = alice.request("chat.send", "session", session, "clientId", "m-1", "text", "hi bob");
        assertThat(retriedAfterLeaving.get("type").asText()).isEqualTo("ok");
        assertThat(retriedAfterLeaving.get("seq").asLong()).isEqualTo(1);
        assertThat(retriedAfterLeaving.get("duplicate").asBoolean()).isTrue();
        JsonNode retriedAfterTheEnd = bob.request("chat.send", "session", session, "clientId", "b-1", "text", "hi alice");
        assertThat(retriedAfterTheEnd.get("seq").asLong()).isEqualTo(2);
        assertThat(retriedAfterTheEnd.get("duplicate").asBoolean()).isTrue();
        assertThat(bob.request("chat.send", "session", session, "clientId", "b-3", "text", "new")
                .get("code").asText()).isEqualTo("session_not_active");
        assertThat(bob.transport.ofType("chat.message")).hasSize(bobMessagesBefore);

        JsonNode rated = alice.request("rating.submit", "session", session, "ratee", "bob", "stars", 5,
                "tags", List.of("friendly"), "idempotencyKey", "k-1");
        assertThat(rated.get("state").asText()).isEqualTo("SEALED");
        assertThat(alice.request("rating.submit", "session", session, "ratee", "bob", "stars", 5,
                "tags", List.of("friendly"), "idempotencyKey", "k-1").get("replayed").asBoolean()).isTrue();
        assertThat(alice.request("rating.submit", "session", session, "ratee", "bob", "stars", 4).get("code").asText())
                .isEqualTo("already_rated");
        assertThat(h.ratingStore.aggregate(UserId.of("bob")).count()).isZero();
        assertThat(bob.request("rating.submit", "session", session, "ratee", "alice", "stars", 4).get("state").asText())
                .isEqualTo("REVEALED");
        assertThat(h.ratingStore.aggregate(UserId.of("bob")).count()).isEqualTo(1);
        JsonNode summary = alice.request("rating.summary", "user", "bob");
        assertThat(summary.get("count").asLong()).isEqualTo(1);
        assertThat(summary.get("shown").asBoolean()).isFalse();
        assertThat(alice.request("rating.submit", "session", session, "ratee", "bob", "stars", 9).get("code").asText())
                .isEqualTo("invalid_stars");
    }

    @Test
    void aUserOutsideASessionCanNeitherSendReadMarkNorRateIt() {
        Node a = h.node("A");
        Client alice = a.connect("alice");
        Client bob = a.connect("bob");
        Client carol = a.connect("carol");
        alice.hello("alice", "d");
        bob.hello("bob", "d");
        carol.hello("carol", "d");
        String session = alice.request("chat.invite", "to", List.of("bob")).get("session").asText();
        bob.request("chat.accept", "session", session);
        alice.request("chat.send", "session", session, "clientId", "m1", "text", "secret");

        for (JsonNode reply : List.of(
                carol.request("chat.send", "session", session, "clientId", "c1", "text", "let me in"),
                carol.request("chat.history", "session", session, "after", 0, "limit", 10),
                carol.request("chat.read", "session", session, "seq", 1),
                carol.request("chat.leave", "session", session),
                carol.request("chat.accept", "session", session),
                carol.request("chat.typing", "session", session))) {
            assertThat(reply.get("type").asText()).as(reply.toString()).isIn("error", "ok");
            if (reply.get("type").asText().equals("ok")) {
                assertThat(reply.path("sent").asBoolean(true)).as("typing by an outsider is not sent").isFalse();
            }
        }
        assertThat(carol.transport.ofType("chat.message")).isEmpty();
        assertThat(carol.transport.received.toString()).doesNotContain("secret");
        alice.request("chat.leave", "session", session);
        assertThat(carol.request("rating.submit", "session", session, "ratee", "alice", "stars", 1).get("code").asText())
                .isEqualTo("not_participant");
        assertThat(h.ratingStore.aggregate(UserId.of("alice")).count()).isZero();
    }

    @Test
    void nothingButHelloResumeAndPingIsAcceptedBeforeAuthentication() {
        Node a = h.node("A");
        Client anon = a.connect("anon");
        assertThat(anon.request("chat.send", "session", "s", "clientId", "c", "text", "x").get("code").asText())
                .isEqualTo("not_authenticated");
        assertThat(anon.request("ping").get("type").asText()).isEqualTo("pong");
        assertThat(anon.request("hello", "v", 2, "token", "valid:x", "device", "d").get("code").asText())
                .isEqualTo("unsupported_version");
        assertThat(anon.request("hello", "v", 1, "token", "nope", "device", "d").get("code").asText())
                .isEqualTo("auth_failed");
        assertThat(anon.transport.closedWith).isEqualTo(4203);
    }

    @Test
    void anUnauthenticatedConnectionIsClosedAtTheDeadline() {
        Node a = h.node("A");
        Client idle = a.connect("idle");
        h.advance(Duration.ofSeconds(11), a);
        assertThat(idle.transport.closedWith).isEqualTo(4100);
        assertThat(idle.transport.closeReason).isEqualTo("auth_timeout");
    }

    @Test
    void welcomeListsOpenSessionsWithTheirTopSequence() {
        Node a = h.node("A");
        Client alice = a.connect("alice");
        Client bob = a.connect("bob");
        alice.hello("alice", "d");
        bob.hello("bob", "d");
        String session = alice.request("chat.invite", "to", List.of("bob")).get("session").asText();
        bob.request("chat.accept", "session", session);
        alice.request("chat.send", "session", session, "clientId", "m1", "text", "one");
        Client aliceLaptop = a.connect("alice-laptop");
        JsonNode welcome = aliceLaptop.hello("alice", "laptop");
        assertThat(welcome.get("chat")).hasSize(1);
        assertThat(welcome.get("chat").get(0).get("session").asText()).isEqualTo(session);
        assertThat(welcome.get("chat").get(0).get("top").asLong()).isEqualTo(1);
    }

    private static List<JsonNode> iterable(JsonNode array) {
        java.util.ArrayList<JsonNode> l = new java.util.ArrayList<>();
        array.forEach(l::add);
        return l;
    }
}
