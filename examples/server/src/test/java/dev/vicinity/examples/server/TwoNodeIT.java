package dev.vicinity.examples.server;

import dev.vicinity.client.RawClient;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.Lease;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.core.MutableClock;
import dev.vicinity.testkit.TestServers;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two example servers (in this JVM, each with its own Jetty, connection pool, Redis connections and
 * event bus) share the real PostgreSQL + Redis, with a unique schema and key prefix per run. Alice on
 * node A and Bob on node B find each other and chat; node A then dies abruptly
 * ({@link VicinityServer#kill()}: its TCP connections are cut with no WebSocket close frame, its
 * gateway is never told, its maintenance stops and its backend connections are dropped — what a
 * kill -9 leaves behind in the shared stores); Alice reconnects to node B and resumes with no message
 * lost or duplicated; Carol, who was on node A and never comes back, is offline with no lease left
 * after lease TTL + grace. Both nodes read one {@link MutableClock}, so the TTLs pass without waiting.
 */
class TwoNodeIT {
    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String schema = "srv_it_" + run;
    private final String prefix = "srv-it-" + run;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private VicinityServer a;
    private VicinityServer b;

    @BeforeEach
    void start() {
        TestServers.requirePostgres();
        TestServers.requireRedis();
        a = VicinityServer.start(config("a-" + run), clock);
        b = VicinityServer.start(config("b-" + run), clock);
    }

    private ServerConfig config(String node) {
        return ServerConfig.parse(new String[] {"--port", "0", "--host", "127.0.0.1", "--backend", "postgres+redis",
            "--node-id", node, "--pg-url", TestServers.postgresJdbcUrl(), "--pg-user", TestServers.postgresUser(),
            "--pg-password", TestServers.postgresPassword(), "--pg-schema", schema,
            "--redis-url", TestServers.redisUri(), "--redis-prefix", prefix, "--cursor-secret", "two-node-it-" + run}, Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close(); // no-op after kill()
        }
        try (Connection c = DriverManager.getConnection(TestServers.postgresJdbcUrl(), TestServers.postgresUser(),
                TestServers.postgresPassword()); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        RedisClient redis = RedisClient.create(TestServers.redisUri());
        try (StatefulRedisConnection<String, String> c = redis.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    c.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            redis.shutdown();
        }
    }

    private static JsonNode hello(RawClient c, String name, double lat, double lon) throws Exception {
        JsonNode welcome = c.ok(frame("hello").put("v", 1).put("token", "demo:" + name).put("device", "phone"));
        c.ok(frame("geo.location").put("lat", lat).put("lon", lon).put("accuracy", 10));
        return welcome;
    }

    private static List<String> nearby(RawClient c) throws Exception {
        JsonNode r = c.ok(frame("geo.nearby").put("radius", 5000).put("limit", 20));
        return r.path("users").findValuesAsText("user");
    }

    private static long send(RawClient c, String session, String clientId, String text) throws Exception {
        JsonNode r = c.ok(frame("chat.send").put("session", session).put("clientId", clientId).put("text", text));
        return r.path("seq").asLong();
    }

    @Test
    void aClientOfADeadNodeResumesOnTheOtherWithNothingLostOrDuplicatedAndNoGhostRemains() throws Exception {
        RawClient alice = RawClient.connect(a.port());
        RawClient carol = RawClient.connect(a.port());
        RawClient bob = RawClient.connect(b.port());
        JsonNode aliceWelcome = hello(alice, "alice", 52.5200, 13.4050);
        hello(carol, "carol", 52.5210, 13.4060);
        hello(bob, "bob", 52.5235, 13.4120);

        // Users on different nodes see each other (shared PostGIS index, presence in Redis).
        assertThat(nearby(alice)).contains("bob", "carol");
        assertThat(nearby(bob)).contains("alice", "carol");

        // Invite across nodes (the push travels over the Redis bus), accept, chat both ways.
        String s = alice.ok(frame("chat.invite").set("to", RawClient.JSON.createArrayNode().add("bob")))
                .path("session").asText();
        bob.await(n -> n.path("type").asText().equals("chat.session")
                && n.path("state").asText().equals("INVITED"));
        bob.ok(frame("chat.accept").put("session", s));
        alice.await(n -> n.path("type").asText().equals("chat.session")
                && n.path("state").asText().equals("ACTIVE"));
        assertThat(send(alice, s, "a1", "hi bob")).isEqualTo(1);
        assertThat(send(bob, s, "b1", "hi alice")).isEqualTo(2);
        assertThat(send(alice, s, "a2", "coffee?")).isEqualTo(3);
        alice.await(n -> n.path("seq").asLong() == 3);
        bob.await(n -> n.path("seq").asLong() == 3);
        assertThat(alice.messageSeqs(s)).containsExactly(1L, 2L, 3L);
        assertThat(bob.messageSeqs(s)).containsExactly(1L, 2L, 3L);
        String token = aliceWelcome.path("resume").asText();
        // The token may have been rotated by nothing yet: hello issued it once.
        assertThat(token).isNotEmpty();

        // Node A dies. Its clients see the TCP connection cut (no close frame).
        a.kill();
        assertThat(alice.closed().get(10, TimeUnit.SECONDS).status()).isNotIn(1000, 1001);
        carol.closed().get(10, TimeUnit.SECONDS);

        // Meanwhile Bob keeps writing: stored in PostgreSQL, delivered to nobody for Alice.
        assertThat(send(bob, s, "b2", "still there?")).isEqualTo(4);
        assertThat(send(bob, s, "b3", "hello?")).isEqualTo(5);

        // Alice reconnects to node B and resumes with the last sequence she has.
        RawClient alice2 = RawClient.connect(b.port());
        ObjectNode resume = frame("resume").put("v", 1).put("resume", token);
        resume.putObject("chat").putObject("sessions").put(s, 3);
        JsonNode resumed = alice2.ok(resume);
        assertThat(resumed.path("type").asText()).isEqualTo("resumed");
        assertThat(resumed.path("user").asText()).isEqualTo("alice");
        JsonNode done = alice2.await(n -> n.path("type").asText().equals("chat.resumed"));
        assertThat(done.path("recovered").asBoolean()).isTrue();
        assertThat(done.path("replayed").asInt()).isEqualTo(2);
        assertThat(alice2.messageSeqs(s)).containsExactly(4L, 5L);
        assertThat(alice2.frames().stream().filter(n -> n.path("type").asText().equals("chat.message")))
                .allMatch(n -> n.path("replayed").asBoolean());

        // One lease for Alice, on node B: the dead node's lease was replaced, not duplicated.
        PresenceService presence = b.node().presence();
        List<Lease> aliceLeases = presence.liveLeases(UserId.of("alice"));
        assertThat(aliceLeases).hasSize(1);
        assertThat(aliceLeases.get(0).node().value()).isEqualTo("b-" + run);

        // A retry of a message sent before the crash stores nothing new; a new one continues the sequence.
        JsonNode retry = alice2.ok(frame("chat.send").put("session", s).put("clientId", "a2").put("text", "coffee?"));
        assertThat(retry.path("seq").asLong()).isEqualTo(3);
        assertThat(retry.path("duplicate").asBoolean()).isTrue();
        assertThat(send(alice2, s, "a3", "sorry, lost signal")).isEqualTo(6);
        bob.await(n -> n.path("seq").asLong() == 6);
        alice2.await(n -> n.path("seq").asLong() == 6);

        // Nothing lost, nothing duplicated: Alice saw 1..6 exactly once across both connections, Bob too.
        Map<Long, Integer> seen = new HashMap<>();
        alice.messageSeqs(s).forEach(q -> seen.merge(q, 1, Integer::sum));
        alice2.messageSeqs(s).forEach(q -> seen.merge(q, 1, Integer::sum));
        assertThat(seen).containsOnlyKeys(LongStream.rangeClosed(1, 6).boxed().toList()).allSatisfy((k, v) ->
                assertThat(v).isEqualTo(1));
        assertThat(bob.messageSeqs(s)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);

        // Carol never comes back. Time passes beyond lease TTL + grace (and node A's heartbeat TTL);
        // the live clients keep pinging; node B's maintenance purges the dead node's leases.
        assertThat(presence.isOnline(UserId.of("carol"))).isTrue();
        Duration horizon = b.config().leaseTtl().plus(b.config().offlineGrace()).plusSeconds(10);
        for (Duration t = Duration.ZERO; t.compareTo(horizon) < 0; t = t.plusSeconds(5)) {
            clock.advance(Duration.ofSeconds(5));
            alice2.ok(frame("ping"));
            bob.ok(frame("ping"));
            b.node().tick();
        }
        b.node().tick();
        assertThat(presence.isOnline(UserId.of("carol"))).isFalse();
        assertThat(presence.liveLeases(UserId.of("carol"))).isEmpty();
        assertThat(presence.liveLeases(UserId.of("alice"))).hasSize(1);
        assertThat(presence.isOnline(UserId.of("bob"))).isTrue();
        // What the page shows: Carol offline, Alice online.
        JsonNode profiles = bob.ok(frame("demo.profiles").set("users",
                RawClient.JSON.createArrayNode().add("carol").add("alice")));
        assertThat(profiles.path("profiles").get(0).path("online").asBoolean()).isFalse();
        assertThat(profiles.path("profiles").get(1).path("online").asBoolean()).isTrue();
        // The chat survived the node loss: still active, both joined.
        JsonNode history = bob.ok(frame("chat.history").put("session", s).put("after", 0).put("limit", 50));
        assertThat(history.path("messages").findValuesAsText("clientId")).containsExactly("a1", "b1", "a2", "b2", "b3", "a3");

        alice2.close();
        bob.close();
    }

    /**
     * A 60 s network drop inside the 2 min resume window, across nodes on PostgreSQL + Redis: the chat
     * stays ACTIVE, the peer sees {@code away} then {@code online}, and every message both sides sent
     * is delivered exactly once. Time is the shared {@link MutableClock}: the minute passes without
     * waiting, with both nodes' maintenance ticking every simulated second.
     */
    @Test
    void aSixtySecondDropInsideTheResumeWindowKeepsTheChatAndThePeerSeesAwayThenBack() throws Exception {
        RawClient alice = RawClient.connect(a.port());
        RawClient bob = RawClient.connect(b.port());
        String token = hello(alice, "alice", 52.5200, 13.4050).path("resume").asText();
        hello(bob, "bob", 52.5235, 13.4120);
        String s = alice.ok(frame("chat.invite").set("to", RawClient.JSON.createArrayNode().add("bob")))
                .path("session").asText();
        bob.await(n -> n.path("type").asText().equals("chat.session") && n.path("state").asText().equals("INVITED"));
        bob.ok(frame("chat.accept").put("session", s));
        alice.await(n -> n.path("type").asText().equals("chat.session") && n.path("state").asText().equals("ACTIVE"));
        assertThat(send(alice, s, "a1", "hi")).isEqualTo(1);
        bob.await(n -> n.path("seq").asLong() == 1);
        alice.await(n -> n.path("seq").asLong() == 1);

        alice.close(); // the network drops: no close frame
        bob.await(n -> n.path("type").asText().equals("chat.presence") && n.path("state").asText().equals("away")
                && n.path("user").asText().equals("alice"));
        assertThat(send(bob, s, "b1", "you there?")).isEqualTo(2);
        for (int second = 1; second <= 60; second++) {
            clock.advance(Duration.ofSeconds(1));
            if (second % 5 == 0) {
                bob.ok(frame("ping"));
            }
            a.node().tick();
            b.node().tick();
        }
        assertThat(send(bob, s, "b2", "a minute later")).isEqualTo(3);
        assertThat(b.node().presence().isOnline(UserId.of("alice"))).isTrue();
        assertThat(bob.frames()).noneMatch(n -> n.path("type").asText().equals("chat.session")
                && n.path("state").asText().equals("ENDED"));

        RawClient alice2 = RawClient.connect(b.port()); // back, on the other node
        ObjectNode resume = frame("resume").put("v", 1).put("resume", token);
        resume.putObject("chat").putObject("sessions").put(s, 1);
        assertThat(alice2.ok(resume).path("type").asText()).isEqualTo("resumed");
        JsonNode done = alice2.await(n -> n.path("type").asText().equals("chat.resumed"));
        assertThat(done.path("state").asText()).isEqualTo("ACTIVE");
        assertThat(done.path("recovered").asBoolean()).isTrue();
        bob.await(n -> n.path("type").asText().equals("chat.presence") && n.path("state").asText().equals("online")
                && n.path("user").asText().equals("alice"));
        assertThat(send(alice2, s, "a2", "back!")).isEqualTo(4);
        bob.await(n -> n.path("seq").asLong() == 4);
        alice2.await(n -> n.path("seq").asLong() == 4);

        Map<Long, Integer> aliceSeen = new HashMap<>();
        alice.messageSeqs(s).forEach(q -> aliceSeen.merge(q, 1, Integer::sum));
        alice2.messageSeqs(s).forEach(q -> aliceSeen.merge(q, 1, Integer::sum));
        assertThat(aliceSeen).containsOnlyKeys(1L, 2L, 3L, 4L).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
        assertThat(bob.messageSeqs(s)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(bob.frames().stream().filter(n -> n.path("type").asText().equals("chat.presence"))
                .map(n -> n.path("state").asText()).toList()).containsExactly("away", "online");
        alice2.close();
        bob.close();
    }

    /** Blocks hold across nodes: the blocked user's invite never reaches the blocker on the other node. */
    @Test
    void aBlockedUsersInviteNeverReachesTheBlockerOnAnotherNode() throws Exception {
        RawClient alice = RawClient.connect(a.port());
        RawClient bob = RawClient.connect(b.port());
        hello(alice, "alice", 52.5200, 13.4050);
        hello(bob, "bob", 52.5235, 13.4120);
        alice.ok(frame("geo.block").put("user", "bob"));
        assertThat(nearby(bob)).doesNotContain("alice");
        JsonNode invite = bob.ok(frame("chat.invite").set("to", RawClient.JSON.createArrayNode().add("alice")));
        assertThat(invite.path("state").asText()).isEqualTo("INVITED");
        String shadow = invite.path("session").asText();
        // A later invite from a third user does arrive, so the push path itself works.
        RawClient carol = RawClient.connect(b.port());
        hello(carol, "carol", 52.5210, 13.4060);
        String fromCarol = carol.ok(frame("chat.invite").set("to", RawClient.JSON.createArrayNode().add("alice")))
                .path("session").asText();
        alice.await(n -> n.path("type").asText().equals("chat.session") && n.path("session").asText().equals(fromCarol));
        assertThat(alice.frames()).noneMatch(n -> n.toString().contains(shadow));
        assertThat(alice.call(frame("chat.accept").put("session", shadow)).path("code").asText()).isEqualTo("unknown_session");
        assertThat(alice.call(frame("chat.invite").set("to", RawClient.JSON.createArrayNode().add("bob")))
                .path("code").asText()).isEqualTo("user_blocked");
        alice.close();
        bob.close();
        carol.close();
    }

    /**
     * A nearby cursor from one node continues on the other (shared --cursor-secret, deterministic tie
     * order): the two pages together are exactly the users a single large page lists, none twice.
     */
    @Test
    void aNearbyCursorFromOneNodeContinuesOnTheOther() throws Exception {
        RawClient alice = RawClient.connect(a.port());
        RawClient aliceOnB = RawClient.connect(b.port());
        hello(alice, "alice", 52.5200, 13.4050);
        aliceOnB.ok(frame("hello").put("v", 1).put("token", "demo:alice").put("device", "laptop"));
        List<RawClient> others = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            RawClient u = RawClient.connect(i % 2 == 0 ? a.port() : b.port());
            hello(u, "n" + i, 52.5200 + 0.0004 * i, 13.4050);
            others.add(u);
        }
        JsonNode all = alice.ok(frame("geo.nearby").put("radius", 5000).put("limit", 20));
        List<String> expected = all.path("users").findValuesAsText("user");
        assertThat(expected).hasSize(7);
        JsonNode first = alice.ok(frame("geo.nearby").put("radius", 5000).put("limit", 3));
        String cursor = first.path("cursor").asText();
        assertThat(cursor).isNotEmpty();
        JsonNode second = aliceOnB.ok(frame("geo.nearby").put("radius", 5000).put("limit", 20).put("cursor", cursor));
        List<String> paged = new java.util.ArrayList<>(first.path("users").findValuesAsText("user"));
        paged.addAll(second.path("users").findValuesAsText("user"));
        assertThat(paged).isEqualTo(expected);
        alice.close();
        aliceOnB.close();
        others.forEach(RawClient::close);
    }
}
