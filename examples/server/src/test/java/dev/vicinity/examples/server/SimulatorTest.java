package dev.vicinity.examples.server;

import static dev.vicinity.client.RecordingClient.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.client.NearbyPage;
import dev.vicinity.client.RecordingClient;
import dev.vicinity.client.ServerPush;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Simulated neighbours are real protocol users: discoverable, online, and they accept and answer chats. */
class SimulatorTest {

    @Test
    void simulatedNeighboursShowUpAcceptAndChatBack() throws Exception {
        try (VicinityServer server = VicinityServer.start(ServerConfig.parse(new String[] {"--port", "0",
                "--host", "127.0.0.1", "--backend", "memory", "--simulate", "3", "--center", "52.52,13.405"},
                Map.of()), Clock.systemUTC());
             RecordingClient me = RecordingClient.connect(server.port(), "Tester")) {
            get(me.client.updateLocation(52.52, 13.405, Map.of()));
            // The simulator's first frames are asynchronous: ask until its three users show up.
            List<String> users = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> get(me.client.nearby(Map.of("radius", 10_000, "limit", 10)))
                            .users().stream().map(NearbyPage.User::user).toList(), u -> u.size() >= 3);
            assertThat(users).containsExactlyInAnyOrder("Mila", "Theo", "Noor");
            JsonNode p = get(me.client.request("demo.profiles", Map.of("users", List.of("Mila"))));
            assertThat(p.path("profiles").get(0).path("simulated").asBoolean()).isTrue();

            String s = get(me.client.invite(List.of("Mila"))).session();
            // Simulated neighbours always accept a real user's invite, then greet.
            await().atMost(RecordingClient.TIMEOUT).until(() -> me.sessions.stream().anyMatch(n ->
                    n.path("session").asText().equals(s) && n.path("state").asText().equals("ACTIVE")));
            await().atMost(RecordingClient.TIMEOUT).until(() -> me.messages.stream().anyMatch(m -> m.from().equals("Mila")));
            get(me.client.sendMessage(s, "hello Mila").result());
            await().atMost(RecordingClient.TIMEOUT).until(() -> me.pushes.stream()
                    .anyMatch(n -> n instanceof ServerPush.Typing t && t.user().equals("Mila")));
            await().atMost(RecordingClient.TIMEOUT).until(() -> me.messages.stream().anyMatch(m -> m.seq() == 3));
        }
    }
}
