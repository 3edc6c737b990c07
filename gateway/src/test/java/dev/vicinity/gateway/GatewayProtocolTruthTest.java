package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.Principal;
import dev.vicinity.core.memory.InMemoryPresenceStore;
import dev.vicinity.core.memory.InMemoryResumeStore;
import dev.vicinity.gateway.GatewayHarness.Client;
import dev.vicinity.gateway.GatewayHarness.Node;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What docs/protocol.md promises about reconnects, blocks, codes and what a client is told, through
 * the gateway on the in-memory backend with the clock driven by the test (issue: "Reconnects that keep
 * their promise").
 */
class GatewayProtocolTruthTest {
    private final GatewayHarness h = new GatewayHarness();

    private static String activeSession(Client inviter, Client invitee, String inviteeName) {
        String session = inviter.request("chat.invite", "to", List.of(inviteeName)).get("session").asText();
        invitee.request("chat.accept", "session", session);
        return session;
    }

    /** Alice (on {@code a}) and Bob (on {@code b}) signed in, in an ACTIVE chat; Alice's resume token. */
    private record Chatting(Client alice, Client bob, String token, String session) {}

    private static Chatting chatting(Node a, Node b) {
        Client alice = a.connect("alice");
        Client bob = b.connect("bob");
        String token = alice.hello("alice", "phone").get("resume").asText();
        bob.hello("bob", "phone");
        return new Chatting(alice, bob, token, activeSession(alice, bob, "bob"));
    }

    /** {@code name} connected to {@code node} and signed in on device "phone". */
    private static Client signedIn(Node node, String name) {
        Client c = node.connect(name);
        c.hello(name, "phone");
        return c;
    }

    /** Advances the clock second by second, ticking every node; {@code pinging} clients ping every 5 s. */
    private void advance(int seconds, List<Node> nodes, Client... pinging) {
        for (int s = 1; s <= seconds; s++) {
            h.advance(Duration.ofSeconds(1), nodes.toArray(Node[]::new));
            if (s % 5 == 0) {
                for (Client c : pinging) {
                    assertThat(c.request("ping").get("type").asText()).isEqualTo("pong");
                }
            }
        }
    }

    private static List<String> presenceStates(Client c, String user) {
        return c.transport.ofType("chat.presence").stream().filter(f -> user.equals(f.path("user").asText()))
                .map(f -> f.path("state").asText()).toList();
    }

    @Test
    void aSixtySecondDropInsideTheResumeWindowKeepsPresenceAndTheChatAndThePeerSeesAwayThenBack() {
        Node a = h.node("A");
        Node b = h.node("B");
        Chatting chat = chatting(a, b);
        Client alice = chat.alice();
        Client bob = chat.bob();
        String token = chat.token();
        String session = chat.session();
        alice.request("chat.send", "session", session, "clientId", "a1", "text", "before");

        a.gateway.onClosed(alice.connection, 1006, "network lost");
        assertThat(presenceStates(bob, "alice")).containsExactly("away");
        bob.request("chat.send", "session", session, "clientId", "b1", "text", "are you there?");
        // 60 s: twice the lease TTL plus the offline grace. The holding node keeps the lease alive.
        advance(60, List.of(a, b), bob);
        assertThat(a.presence.isOnline(UserId.of("alice"))).isTrue();
        assertThat(h.chatSessions.find(dev.vicinity.core.SessionId.of(session)).orElseThrow().state().name())
                .isEqualTo("ACTIVE");
        assertThat(bob.transport.ofType("chat.session")).noneMatch(f -> "ENDED".equals(f.path("state").asText()));

        Client again = b.connect("alice-2");
        JsonNode resumed = again.request("resume", "v", 1, "resume", token, "chat", Map.of("sessions", Map.of(session, 1)));
        assertThat(resumed.get("type").asText()).isEqualTo("resumed");
        // resumed carries what welcome carries: timings, device and limits.
        assertThat(resumed.get("heartbeatSeconds").asInt()).isEqualTo(10);
        assertThat(resumed.get("resumeWindowSeconds").asInt()).isEqualTo(120);
        assertThat(resumed.get("device").asText()).isEqualTo("phone");
        assertThat(resumed.get("limits").get("maxMessageLength").asInt()).isPositive();
        JsonNode chatResumed = again.transport.ofType("chat.resumed").get(0);
        assertThat(chatResumed.get("session").asText()).isEqualTo(session);
        assertThat(chatResumed.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(chatResumed.get("recovered").asBoolean()).isTrue();
        assertThat(again.transport.ofType("chat.message")).extracting(f -> f.get("text").asText())
                .containsExactly("are you there?");
        assertThat(presenceStates(bob, "alice")).containsExactly("away", "online");
        again.request("chat.send", "session", session, "clientId", "a2", "text", "back");
        assertThat(bob.transport.ofType("chat.message")).extracting(f -> f.get("seq").asLong()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void whenTheWindowEndsTheUserGoesOfflineTheChatEndsAndALateResumeIsTold4101() {
        Node a = h.node("A");
        Chatting chat = chatting(a, a);
        Client alice = chat.alice();
        Client bob = chat.bob();
        String token = chat.token();
        String session = chat.session();
        a.gateway.onClosed(alice.connection, 1006, "network lost");

        advance(119, List.of(a), bob);
        assertThat(a.presence.isOnline(UserId.of("alice"))).isTrue();
        advance(15, List.of(a), bob); // window over, then the offline grace
        assertThat(a.presence.isOnline(UserId.of("alice"))).isFalse();
        JsonNode ended = bob.transport.ofType("chat.session").stream()
                .filter(f -> "ENDED".equals(f.path("state").asText())).findFirst().orElseThrow();
        assertThat(ended.get("endReason").asText()).isEqualTo("peer_gone");

        Client late = a.connect("alice-late");
        JsonNode refused = late.request("resume", "v", 1, "resume", token, "chat", Map.of("sessions", Map.of(session, 0)));
        assertThat(refused.get("type").asText()).isEqualTo("error");
        assertThat(refused.get("code").asText()).isEqualTo("resume_expired");
        assertThat(late.transport.closedWith).isEqualTo(4101);
        // With hello, the ended chat is no longer listed as open.
        Client fresh = a.connect("alice-3");
        assertThat(fresh.hello("alice", "phone").get("chat")).isEmpty();
    }

    @Test
    void aResumeReportsTheCurrentStateOfAChatThatEndedMeanwhile() {
        Node a = h.node("A");
        Chatting chat = chatting(a, a);
        Client alice = chat.alice();
        Client bob = chat.bob();
        String token = chat.token();
        String session = chat.session();
        a.gateway.onClosed(alice.connection, 1006, "network lost");
        bob.request("chat.send", "session", session, "clientId", "b1", "text", "bye then");
        bob.request("chat.leave", "session", session);

        Client again = a.connect("alice-2");
        again.request("resume", "v", 1, "resume", token, "chat", Map.of("sessions", Map.of(session, 0)));
        JsonNode chatResumed = again.transport.ofType("chat.resumed").get(0);
        assertThat(chatResumed.get("state").asText()).isEqualTo("ENDED");
        assertThat(chatResumed.get("endReason").asText()).isEqualTo("left");
        assertThat(again.transport.ofType("chat.message")).extracting(f -> f.get("text").asText())
                .containsExactly("bye then");
    }

    @Test
    void theAdvertisedHeartbeatFollowsTheLeaseTtlAndASlowerOneIsRefusedAtBuildTime() {
        PresenceService shortLease = PresenceService.builder(new InMemoryPresenceStore(), NodeId.of("n"))
                .clock(h.clock).leaseTtl(Duration.ofSeconds(3)).build();
        Gateway derived = Gateway.builder(shortLease, new InMemoryResumeStore(),
                (tk, d) -> Optional.of(new Principal(UserId.of("x"), DeviceId.of(d)))).build();
        ScriptedTransport t = new ScriptedTransport("x");
        derived.onText(derived.open(t), "{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"t\",\"device\":\"d\"}");
        assertThat(t.reply("1").get("heartbeatSeconds").asInt()).isEqualTo(1); // a third of 3 s
        assertThatThrownBy(() -> Gateway.builder(shortLease, new InMemoryResumeStore(), (tk, d) -> Optional.empty())
                .heartbeatInterval(Duration.ofSeconds(15)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a third of the presence lease TTL");

        Node a = h.node("A");
        JsonNode welcome = a.connect("alice").hello("alice", "phone");
        assertThat(welcome.get("heartbeatSeconds").asInt()).isEqualTo(10); // default lease TTL 30 s
        JsonNode limits = welcome.get("limits");
        for (String key : List.of("maxFrameBytes", "framesPerSecond", "frameBurst", "maxRadiusMeters",
                "locationMaxAgeSeconds", "inviteTimeoutSeconds", "idleTimeoutSeconds", "maxMessageLength",
                "maxCommentLength", "ratingWindowSeconds", "authTimeoutSeconds")) {
            assertThat(limits.has(key)).as(key).isTrue();
        }
        assertThat(limits.get("messageLengthUnit").asText()).isEqualTo("codePoints");
        assertThat(limits.get("commentLengthUnit").asText()).isEqualTo("codePoints");
    }

    @Test
    void aBlockedUserCannotReachTheBlockerThroughInvitesAndNeverLearnsOfTheBlock() {
        Node a = h.node("A");
        Client alice = signedIn(a, "alice");
        Client bob = signedIn(a, "bob");
        String chatting = activeSession(alice, bob, "bob");

        assertThat(alice.request("geo.block", "user", "bob").get("type").asText()).isEqualTo("ok");
        // The open chat ends; to bob it reads as left, to alice as blocked.
        JsonNode bobView = bob.transport.ofType("chat.session").stream()
                .filter(f -> "ENDED".equals(f.path("state").asText())).findFirst().orElseThrow();
        assertThat(bobView.get("endReason").asText()).isEqualTo("left");
        assertThat(alice.transport.ofType("chat.session").stream()
                .filter(f -> "ENDED".equals(f.path("state").asText())).findFirst().orElseThrow()
                .get("endReason").asText()).isEqualTo("blocked");

        // Bob invites alice: answered like any invite, but nothing reaches alice, now or at her next hello.
        int aliceFrames = alice.transport.received.size();
        JsonNode invite = bob.request("chat.invite", "to", List.of("alice"));
        assertThat(invite.get("type").asText()).isEqualTo("ok");
        assertThat(invite.get("state").asText()).isEqualTo("INVITED");
        String shadow = invite.get("session").asText();
        assertThat(alice.transport.received.subList(aliceFrames, alice.transport.received.size()))
                .noneMatch(f -> f.toString().contains(shadow));
        assertThat(a.connect("alice-2").hello("alice", "laptop").get("chat").toString()).doesNotContain(shadow);
        assertThat(alice.request("chat.accept", "session", shadow).get("code").asText()).isEqualTo("unknown_session");
        // It expires like an ignored invite.
        advance(180, List.of(a), bob, alice);
        assertThat(bob.transport.ofType("chat.session").stream().filter(f -> shadow.equals(f.path("session").asText()))
                .map(f -> f.path("state").asText()).toList()).contains("EXPIRED");
        assertThat(alice.transport.received).noneMatch(f -> !"error".equals(f.path("type").asText())
                && f.toString().contains(shadow)); // only her own accept's unknown_session names it
        // Alice cannot invite bob while she blocks him.
        assertThat(alice.request("chat.invite", "to", List.of("bob")).get("code").asText()).isEqualTo("user_blocked");

        // Bob's rating of alice is answered as sealed and never counts; alice's of bob counts once revealed.
        JsonNode bobRates = bob.request("rating.submit", "session", chatting, "ratee", "alice", "stars", 1);
        assertThat(bobRates.get("state").asText()).isEqualTo("SEALED");
        assertThat(alice.request("rating.submit", "session", chatting, "ratee", "bob", "stars", 5).get("state").asText())
                .isEqualTo("SEALED");
        h.advance(Duration.ofDays(8), a);
        assertThat(a.ratings.aggregate(UserId.of("alice")).count()).isZero();
        assertThat(a.ratings.aggregate(UserId.of("bob")).count()).isEqualTo(1);
    }

    @Test
    void codesMatchTheProtocolDocument() {
        Node a = h.node("A");
        Client alice = signedIn(a, "alice");
        Client bob = signedIn(a, "bob");
        alice.request("geo.location", "lat", 52.52, "lon", 13.405);
        assertThat(alice.request("geo.nearby", "radius", 10_000_000, "limit", 10).get("code").asText())
                .isEqualTo("invalid_field");
        assertThat(alice.request("chat.invite", "to", List.of("x".repeat(129))).get("code").asText()).isEqualTo("invalid_id");
        assertThat(alice.request("chat.accept", "session", "has space").get("code").asText()).isEqualTo("invalid_id");
        assertThat(alice.request("chat.accept", "session", "s".repeat(200)).get("code").asText()).isEqualTo("invalid_id");
        String session = activeSession(alice, bob, "bob");
        assertThat(alice.request("chat.send", "session", session, "clientId", "c1", "text", "").get("code").asText())
                .isEqualTo("empty_message");
        assertThat(alice.request("chat.send", "session", session, "clientId", "c2", "text", "   ").get("code").asText())
                .isEqualTo("empty_message");
        assertThat(alice.request("chat.send", "session", session, "clientId", "c3", "text", "a\ud800b").get("code").asText())
                .isEqualTo("invalid_field");
        // Rating an ACTIVE chat: session_not_ended.
        assertThat(alice.request("rating.submit", "session", session, "ratee", "bob", "stars", 4).get("code").asText())
                .isEqualTo("session_not_ended");
        // A nearby answer carries no score when the host gives none.
        bob.request("geo.location", "lat", 52.521, "lon", 13.406);
        JsonNode users = alice.request("geo.nearby", "radius", 5000, "limit", 10).get("users");
        assertThat(users).isNotEmpty().allMatch(u -> !u.has("score"));
    }

    @Test
    void aPingResetsTheStrikeCount() {
        Node a = h.node("A");
        Client alice = signedIn(a, "alice");
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 15; i++) {
                alice.raw("not json");
            }
            assertThat(alice.request("ping").get("type").asText()).isEqualTo("pong");
        }
        assertThat(alice.transport.isClosed()).isFalse();
    }

    @Test
    void messageLengthIsCountedInCodePoints() {
        Node a = h.node("A");
        Client alice = signedIn(a, "alice");
        Client bob = signedIn(a, "bob");
        String session = activeSession(alice, bob, "bob");
        int max = a.chat.service().maxMessageLength();
        String emoji = "\uD83D\uDE00"; // one code point, two UTF-16 units
        assertThat(alice.request("chat.send", "session", session, "clientId", "e1", "text", emoji.repeat(max))
                .get("type").asText()).isEqualTo("ok");
        assertThat(alice.request("chat.send", "session", session, "clientId", "e2", "text", emoji.repeat(max + 1))
                .get("code").asText()).isEqualTo("message_too_large");
    }

    @Test
    void aConnectionNeverGetsTheSameSessionVersionTwiceAndReadMarkersArePushedOnlyWhenTheyAdvance() {
        Node a = h.node("A");
        Node b = h.node("B");
        Client alice = signedIn(a, "alice");
        Client bob = signedIn(b, "bob");
        String session = alice.request("chat.invite", "to", List.of("bob")).get("session").asText();
        alice.request("chat.cancel", "session", session);
        String s2 = activeSession(alice, bob, "bob");
        alice.request("chat.send", "session", s2, "clientId", "m1", "text", "hi");
        for (int i = 0; i < 5; i++) {
            bob.request("chat.read", "session", s2, "seq", 1);
        }
        alice.request("chat.leave", "session", s2);
        for (Client c : List.of(alice, bob)) {
            List<String> versions = c.transport.ofType("chat.session").stream()
                    .map(f -> f.get("session").asText() + "@" + f.get("version").asLong()).toList();
            assertThat(versions).doesNotHaveDuplicates();
        }
        assertThat(alice.transport.ofType("chat.read")).hasSize(1);
    }

    @Test
    void revealedRatingsArePushedAndAParticipantReadsWhatTheyReceived() {
        Node a = h.node("A");
        Node b = h.node("B");
        Client alice = signedIn(a, "alice");
        Client bob = signedIn(b, "bob");
        String session = activeSession(alice, bob, "bob");
        alice.request("chat.leave", "session", session);
        alice.request("rating.submit", "session", session, "ratee", "bob", "stars", 4, "comment", "kind");
        assertThat(bob.request("rating.session", "session", session).get("received")).isEmpty();
        bob.request("rating.submit", "session", session, "ratee", "alice", "stars", 5);
        // Both ratings are revealed by bob's submit on node B; alice is on node A.
        assertThat(alice.transport.ofType("rating.revealed")).hasSize(2);
        assertThat(bob.transport.ofType("rating.revealed")).hasSize(2);
        JsonNode mine = bob.request("rating.session", "session", session);
        assertThat(mine.get("received")).hasSize(1);
        assertThat(mine.get("received").get(0).get("stars").asInt()).isEqualTo(4);
        assertThat(mine.get("received").get(0).get("comment").asText()).isEqualTo("kind");
        assertThat(mine.get("received").get(0).get("counted").asBoolean()).isTrue();
        assertThat(mine.get("given").get(0).get("stars").asInt()).isEqualTo(5);
        Client carol = a.connect("carol");
        carol.hello("carol", "phone");
        assertThat(carol.request("rating.session", "session", session).get("code").asText()).isEqualTo("not_participant");
    }

    @Test
    void aPresenceOutageAnswersTheHandshakeBackendUnavailableAndPingsStillPong() {
        Node a = h.node("A");
        Client alice = signedIn(a, "alice");
        h.presenceDown = true;
        assertThat(alice.request("ping").get("type").asText()).isEqualTo("pong");
        Client bob = a.connect("bob");
        JsonNode refused = bob.hello("bob", "phone");
        assertThat(refused.get("code").asText()).isEqualTo("backend_unavailable");
        assertThat(bob.transport.isClosed()).isFalse();
        h.presenceDown = false;
        assertThat(bob.hello("bob", "phone").get("type").asText()).isEqualTo("welcome"); // retried on the same socket
    }
}
