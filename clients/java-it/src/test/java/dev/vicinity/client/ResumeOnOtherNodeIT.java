package dev.vicinity.client;

import static dev.vicinity.client.RecordingClient.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vicinity.testkit.TestServers;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two example-server processes on one PostgreSQL schema and one Redis prefix. Alice's connection to
 * node A is cut; her client's next attempt goes to node B (node A stays unreachable for her) and
 * resumes there within the resume window: the chat continues, every message both ways exactly once
 * and in order.
 */
class ResumeOnOtherNodeIT extends ServerJarTest {
    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @BeforeEach
    void requireBackends() {
        TestServers.requirePostgres();
        TestServers.requireRedis();
    }

    @AfterEach
    void dropSharedState() throws Exception {
        boolean ran = !started.isEmpty();
        started.close(); // the servers first: they hold connections to the schema
        if (!ran) {
            return; // skipped before anything started
        }
        try (Connection c = DriverManager.getConnection(TestServers.postgresJdbcUrl(), TestServers.postgresUser(),
                TestServers.postgresPassword()); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS client_it_" + run + " CASCADE");
        }
        RedisClient redis = RedisClient.create(TestServers.redisUri());
        try (StatefulRedisConnection<String, String> c = redis.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches("client-it-" + run + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    c.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            redis.shutdown();
        }
    }

    private static URI ws(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    @Test
    void aClientDroppedFromNodeAResumesOnNodeBAndTheChatContinuesExactlyOnceInOrder() throws Exception {
        ServerJar a = started.add(ServerJar.start("a-" + run, ServerJar.sharedBackend("a-" + run, run)));
        ServerJar b = started.add(ServerJar.start("b-" + run, ServerJar.sharedBackend("b-" + run, run)));
        DropProxy toA = started.add(new DropProxy(a.port()));
        AtomicReference<URI> aliceUrl = new AtomicReference<>(ws(toA.port()));
        RecordingClient alice = started.add(RecordingClient.connect(aliceUrl::get, "alice", x -> { }));
        RecordingClient bob = started.add(RecordingClient.connect(ws(b.port()), "bob", x -> { }));
        get(alice.client.updateLocation(52.5200, 13.4050, Map.of("accuracy", 10)));
        get(bob.client.updateLocation(52.5201, 13.4051, Map.of("accuracy", 10)));

        String session = get(alice.client.invite(List.of(bob.user()))).session();
        get(bob.client.accept(session));
        get(alice.client.sendMessage(session, "hi bob").result());
        get(bob.client.sendMessage(session, "hi alice").result());
        await().atMost(RecordingClient.TIMEOUT).until(() -> alice.messages.size() == 2 && bob.messages.size() == 2);

        // Node A is gone for Alice from now on: the next attempt goes to node B.
        aliceUrl.set(ws(b.port()));
        int statesBefore = alice.states.size();
        toA.cut();
        // the drop is seen in the reported states: polling connected() can miss it when the client is
        // back (on node B) within one poll interval
        await().atMost(RecordingClient.TIMEOUT).until(() -> alice.states.subList(statesBefore, alice.states.size())
                .stream().anyMatch(st -> st.status() != ConnectionState.Status.CONNECTED));
        for (int i = 1; i <= 3; i++) {
            get(bob.client.sendMessage(session, "while away " + i).result());
        }
        List<VicinityClient.Send> queued = List.of(alice.client.sendMessage(session, "queued 1"),
                alice.client.sendMessage(session, "queued 2"));
        for (VicinityClient.Send s : queued) {
            assertThat(get(s.result()).duplicate()).isFalse();
        }
        await().atMost(RecordingClient.TIMEOUT).until(() -> alice.messages.size() >= 7 && bob.messages.size() >= 7);

        ConnectionState last = alice.client.state();
        assertThat(last.status()).isEqualTo(ConnectionState.Status.CONNECTED);
        assertThat(last.resumed()).as("resumed on node B, not a fresh hello").isTrue();
        List<String> expected = List.of("hi bob", "hi alice", "while away 1", "while away 2", "while away 3", "queued 1", "queued 2");
        for (RecordingClient u : List.of(alice, bob)) {
            assertThat(u.messages).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(u.texts()).containsExactlyElementsOf(expected);
        }
        assertThat(alice.errors).isEmpty();
    }
}
