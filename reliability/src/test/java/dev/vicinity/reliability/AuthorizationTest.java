package dev.vicinity.reliability;

import dev.vicinity.client.RawClient;

import static org.awaitility.Awaitility.await;
import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.UserId;
import dev.vicinity.examples.server.ServerConfig;
import dev.vicinity.examples.server.VicinityServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authorization through the protocol, on real WebSockets against the example server (memory backend,
 * loopback, free port): a user cannot send, read history, mark read, act on or rate a session they
 * are not a member of; cannot take over someone else's connection with a guessed or foreign resume
 * token; and two users who blocked each other never appear in each other's {@code geo.nearby} again.
 */
class AuthorizationTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private VicinityServer server;
    private final List<RawClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = VicinityServer.start(ServerConfig.parse(new String[] {"--port", "0", "--host", "127.0.0.1",
            "--backend", "memory", "--node-id", "authz"}, Map.of()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        clients.forEach(RawClient::close);
        if (server != null) {
            server.close();
        }
    }

    private RawClient user(String name) throws Exception {
        RawClient c = RawClient.connect(server.port());
        clients.add(c);
        c.hello(name);
        return c;
    }

    private static String invite(RawClient from, String... to) throws Exception {
        ObjectNode f = frame("chat.invite");
        for (String t : to) {
            f.withArray("to").add(t);
        }
        return from.ok(f).path("session").asText();
    }

    private static List<Long> history(RawClient c, String session) throws Exception {
        JsonNode r = c.ok(frame("chat.history").put("session", session).put("after", 0).put("limit", 200));
        List<Long> seqs = new ArrayList<>();
        r.path("messages").forEach(m -> seqs.add(m.path("seq").asLong()));
        return seqs;
    }

    @Test
    void aNonMemberCannotReadSendMarkReadActOnOrRateASession() throws Exception {
        RawClient alice = user("alice");
        RawClient bob = user("bob");
        RawClient carol = user("carol"); // invited, never joins
        RawClient mallory = user("mallory");
        String s = invite(alice, "bob");
        String pending = invite(alice, "carol"); // carol is invited and never accepts
        bob.ok(frame("chat.accept").put("session", s));
        alice.ok(frame("chat.send").put("session", s).put("clientId", "a1").put("text", "for bob only"));
        bob.ok(frame("chat.send").put("session", s).put("clientId", "b1").put("text", "hi alice"));

        assertThat(mallory.errorOf(frame("chat.send").put("session", s).put("clientId", "m1").put("text", "x")))
                .isEqualTo("not_participant");
        assertThat(mallory.errorOf(frame("chat.history").put("session", s).put("after", 0).put("limit", 200)))
                .isEqualTo("not_participant");
        assertThat(mallory.errorOf(frame("chat.read").put("session", s).put("seq", 2))).isEqualTo("not_participant");
        // typing is fire-and-forget: an outsider's indicator is dropped (sent: false, the same answer as
        // for an unknown session, so it reveals nothing) and never reaches the members (checked below).
        assertThat(mallory.ok(frame("chat.typing").put("session", s)).path("sent").asBoolean()).isFalse();
        for (String action : List.of("chat.accept", "chat.decline", "chat.leave", "chat.cancel")) {
            assertThat(mallory.errorOf(frame(action).put("session", s))).as(action).isEqualTo("not_participant");
        }
        assertThat(mallory.errorOf(frame("chat.block").put("session", s).put("user", "alice")))
                .isEqualTo("not_participant");
        // Invited but not joined: may act on the invitation, not on the conversation.
        assertThat(carol.errorOf(frame("chat.send").put("session", s).put("clientId", "c1").put("text", "x")))
                .isEqualTo("not_participant");
        assertThat(carol.errorOf(frame("chat.send").put("session", pending).put("clientId", "c1").put("text", "x")))
                .isEqualTo("session_not_active"); // checked before membership: the invitation is still open
        assertThat(carol.errorOf(frame("chat.history").put("session", pending).put("after", 0).put("limit", 200)))
                .isEqualTo("not_joined");
        assertThat(carol.errorOf(frame("chat.read").put("session", pending).put("seq", 1)))
                .isEqualTo("not_joined");

        // Nothing of the session reached the outsiders; nothing of theirs was stored.
        assertThat(mallory.frames()).noneMatch(f -> f.toString().contains(s));
        assertThat(carol.frames()).noneMatch(f -> f.toString().contains(s));
        assertThat(history(alice, s)).containsExactly(1L, 2L);
        bob.ok(frame("chat.typing").put("session", s)); // a member's indicator does arrive (and marks the end)
        alice.await(f -> "chat.typing".equals(f.path("type").asText()) && "bob".equals(f.path("user").asText()));
        assertThat(alice.frames()).noneMatch(f -> "chat.typing".equals(f.path("type").asText())
                && "mallory".equals(f.path("user").asText()));
        JsonNode session = alice.ok(frame("chat.read").put("session", s).put("seq", 2));
        assertThat(session.path("participants").findValuesAsText("user")).containsExactlyInAnyOrder("alice", "bob");
        assertThat(session.path("participants")).noneMatch(p -> p.path("user").asText().equals("mallory"));

        // After the session ended, only its members may rate it, and only each other.
        String ended = invite(alice, "bob");
        bob.ok(frame("chat.accept").put("session", ended));
        alice.ok(frame("chat.send").put("session", ended).put("clientId", "e1").put("text", "bye"));
        JsonNode left = alice.ok(frame("chat.leave").put("session", ended));
        assertThat(left.path("state").asText()).isEqualTo("ENDED");
        assertThat(mallory.errorOf(frame("rating.submit").put("session", ended).put("ratee", "alice").put("stars", 1)))
                .isEqualTo("not_participant");
        assertThat(bob.errorOf(frame("rating.submit").put("session", ended).put("ratee", "mallory").put("stars", 1)))
                .isEqualTo("not_participant");
        assertThat(mallory.errorOf(frame("rating.submit").put("session", s).put("ratee", "alice").put("stars", 1)))
                .isEqualTo("not_participant"); // an open session: membership is checked before session_not_ended
        assertThat(alice.errorOf(frame("rating.submit").put("session", s).put("ratee", "bob").put("stars", 5)))
                .isEqualTo("session_not_ended"); // a member rating an ACTIVE chat
        assertThat(bob.ok(frame("rating.submit").put("session", ended).put("ratee", "alice").put("stars", 5))
                .path("state").asText()).isEqualTo("SEALED");
        assertThat(mallory.errorOf(frame("rating.submit").put("session", ended).put("ratee", "bob").put("stars", 1)))
                .isEqualTo("not_participant");
    }

    @Test
    void noOneResumesSomeoneElsesConnection() throws Exception {
        RawClient bob = RawClient.connect(server.port());
        clients.add(bob);
        String bobToken = bob.hello("bob").path("resume").asText();
        assertThat(bobToken).hasSizeGreaterThan(8);
        Random rnd = new Random(7);
        RawClient mallory = null;
        for (int guess = 0; guess < 5; guess++) {
            // A guess of the same length and alphabet as a real token: refused with resume_expired and
            // the socket closed with 4101, so every guess costs a new connection.
            StringBuilder token = new StringBuilder();
            for (int c = 0; c < bobToken.length(); c++) {
                token.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
            }
            mallory = RawClient.connect(server.port());
            clients.add(mallory);
            assertThat(mallory.call(frame("resume").put("v", 1).put("resume", token.toString())).path("code").asText())
                    .isEqualTo("resume_expired");
            assertThat(mallory.awaitClose().status()).isEqualTo(4101);
        }
        // Bob's real token with one character changed is as foreign as a random one.
        char last = bobToken.charAt(bobToken.length() - 2);
        String mutated = bobToken.substring(0, bobToken.length() - 2) + (last == 'A' ? 'B' : 'A')
                + bobToken.charAt(bobToken.length() - 1);
        for (String forged : List.of(mutated, "")) {
            mallory = RawClient.connect(server.port());
            clients.add(mallory);
            assertThat(mallory.call(frame("resume").put("v", 1).put("resume", forged)).path("code").asText())
                    .isEqualTo("resume_expired");
            assertThat(mallory.awaitClose().status()).isEqualTo(4101);
        }
        mallory = RawClient.connect(server.port());
        clients.add(mallory);
        // Mallory is still nobody; Bob's connection is untouched and his lease is his alone.
        assertThat(mallory.errorOf(frame("geo.nearby").put("radius", 1000).put("limit", 5))).isEqualTo("not_authenticated");
        assertThat(bob.call(frame("ping")).path("type").asText()).isEqualTo("pong");
        assertThat(bob.closed()).isNotDone();
        assertThat(server.node().presence().liveLeases(UserId.of("bob"))).hasSize(1);

        // A token spent by its owner cannot be replayed by anyone, not even after the owner leaves again.
        bob.close();
        RawClient bob2 = RawClient.connect(server.port());
        clients.add(bob2);
        JsonNode resumed = bob2.call(frame("resume").put("v", 1).put("resume", bobToken));
        assertThat(resumed.path("type").asText()).as("%s", resumed).isEqualTo("resumed");
        assertThat(resumed.path("user").asText()).isEqualTo("bob");
        RawClient thief = RawClient.connect(server.port());
        clients.add(thief);
        assertThat(thief.call(frame("resume").put("v", 1).put("resume", bobToken)).path("code").asText())
                .isEqualTo("resume_expired");
        assertThat(thief.awaitClose().status()).isEqualTo(4101);
        assertThat(bob2.call(frame("ping")).path("type").asText()).isEqualTo("pong");
        assertThat(server.node().presence().liveLeases(UserId.of("bob"))).hasSize(1);
    }

    private static List<String> nearby(RawClient c, boolean includeOffline) throws Exception {
        JsonNode r = c.ok(frame("geo.nearby").put("radius", 5000).put("limit", 100).put("includeOffline", includeOffline));
        return r.path("users").findValuesAsText("user");
    }

    @Test
    void blockedUsersNeverSeeEachOtherAgain() throws Exception {
        RawClient alice = user("alice");
        RawClient bob = user("bob");
        RawClient carol = user("carol");
        RawClient dave = user("dave");
        alice.ok(frame("geo.location").put("lat", 52.5200).put("lon", 13.4050).put("accuracy", 10));
        bob.ok(frame("geo.location").put("lat", 52.5210).put("lon", 13.4060).put("accuracy", 10));
        carol.ok(frame("geo.location").put("lat", 52.5220).put("lon", 13.4070).put("accuracy", 10));
        dave.ok(frame("geo.location").put("lat", 52.5230).put("lon", 13.4080).put("accuracy", 10));
        assertThat(nearby(alice, false)).contains("bob", "carol", "dave");
        assertThat(nearby(bob, false)).contains("alice");

        // Block through geo.block (one direction given, both hidden).
        alice.ok(frame("geo.block").put("user", "bob"));
        // Block through a chat: carol blocks dave in their session.
        String s = invite(carol, "dave");
        dave.ok(frame("chat.accept").put("session", s));
        JsonNode blocked = carol.ok(frame("chat.block").put("session", s).put("user", "dave"));
        assertThat(blocked.path("endReason").asText()).isEqualTo("blocked");

        for (int round = 0; round < 3; round++) {
            assertThat(nearby(alice, false)).doesNotContain("bob").contains("carol");
            assertThat(nearby(bob, false)).doesNotContain("alice").contains("carol");
            assertThat(nearby(alice, true)).doesNotContain("bob");
            assertThat(nearby(bob, true)).doesNotContain("alice");
            assertThat(nearby(carol, false)).doesNotContain("dave").contains("alice");
            assertThat(nearby(dave, true)).doesNotContain("carol").contains("alice");
            // Whatever they do next: move closer, reconnect, the blocked side tries to undo it.
            double d = 0.0001 * (round + 1);
            bob.ok(frame("geo.location").put("lat", 52.5200 + d).put("lon", 13.4050).put("accuracy", 5));
            bob.call(frame("geo.unblock").put("user", "alice")); // bob never blocked alice: changes nothing
            dave.call(frame("geo.unblock").put("user", "carol"));
            bob.close();
            bob = user("bob");
            bob.ok(frame("geo.location").put("lat", 52.5200 + d).put("lon", 13.4051).put("accuracy", 5));
        }
        // The host's own frame does not leak it either: to bob, alice reads as offline (she is online).
        com.fasterxml.jackson.databind.node.ObjectNode ask = frame("demo.profiles");
        ask.putArray("users").add("alice").add("carol");
        JsonNode profiles = bob.ok(ask).path("profiles");
        assertThat(profiles.get(0).path("online").asBoolean()).isFalse();
        assertThat(profiles.get(1).path("online").asBoolean()).isTrue();
        assertThat(server.node().presence().isOnline(UserId.of("alice"))).isTrue();
    }
}
