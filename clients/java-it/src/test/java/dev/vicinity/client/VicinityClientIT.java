package dev.vicinity.client;

import static dev.vicinity.client.RecordingClient.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client against the real example server ({@code java -jar vicinity-server.jar --backend memory}):
 * two users chat, one user's connection is dropped by a TCP proxy, and the messages sent meanwhile
 * in both directions arrive exactly once after the resume.
 */
class VicinityClientIT extends ServerJarTest {
    @Test
    void messagesSentWhileOneSideIsDroppedArriveExactlyOnceAfterTheResume() throws Exception {
        ServerJar server = started.add(ServerJar.start("drop", "--backend", "memory"));
        DropProxy proxy = started.add(new DropProxy(server.port()));
        RecordingClient alice = started.add(RecordingClient.connect(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"), "alice", x -> { }));
        RecordingClient bob = started.add(RecordingClient.connect(server.port(), "bob"));
        get(alice.client.updateLocation(52.5200, 13.4050, Map.of("accuracy", 10)));
        get(bob.client.updateLocation(52.5201, 13.4051, Map.of("accuracy", 10)));

        String session = get(alice.client.invite(List.of(bob.user()))).session();
        get(bob.client.accept(session));
        assertThat(get(alice.client.sendMessage(session, "hi bob").result()).seq()).isEqualTo(1);
        assertThat(get(bob.client.sendMessage(session, "hi alice").result()).seq()).isEqualTo(2);
        await().atMost(RecordingClient.TIMEOUT).until(() -> alice.messages.size() == 2 && bob.messages.size() == 2);

        proxy.cut();
        await().atMost(RecordingClient.TIMEOUT).until(() -> !alice.connected());
        List<VicinityClient.Send> fromBob = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            fromBob.add(bob.client.sendMessage(session, "while away " + i));
        }
        for (VicinityClient.Send s : fromBob) {
            get(s.result());
        }
        List<VicinityClient.Send> fromAlice = List.of(alice.client.sendMessage(session, "queued 1"),
                alice.client.sendMessage(session, "queued 2"));
        proxy.restore();

        for (VicinityClient.Send s : fromAlice) {
            get(s.result());
        }
        await().atMost(RecordingClient.TIMEOUT).until(() -> alice.messages.size() >= 7 && bob.messages.size() >= 7);
        assertThat(alice.states).anyMatch(s -> s.status() == ConnectionState.Status.CONNECTED && s.resumed());
        for (RecordingClient u : List.of(alice, bob)) {
            assertThat(u.messages).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        }
        assertThat(alice.texts()).containsSubsequence("while away 1", "while away 2", "while away 3");
        assertThat(bob.texts()).containsSubsequence("queued 1", "queued 2");
        assertThat(alice.texts().stream().filter(m -> m.startsWith("queued"))).hasSize(2);
    }
}
