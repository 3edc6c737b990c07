package dev.vicinity.examples.server;

import static dev.vicinity.examples.server.ProtocolClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
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
             ProtocolClient me = ProtocolClient.connect(server.port())) {
            me.ok(frame("hello").put("v", 1).put("token", "demo:Tester").put("device", "t"));
            me.ok(frame("geo.location").put("lat", 52.52).put("lon", 13.405));
            // The simulator's first frames are asynchronous: ask until its three users show up.
            List<String> users = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> me.ok(frame("geo.nearby").put("radius", 10_000).put("limit", 10))
                            .path("users").findValuesAsText("user"), u -> u.size() >= 3);
            assertThat(users).containsExactlyInAnyOrder("Mila", "Theo", "Noor");
            JsonNode p = me.ok(frame("demo.profiles").set("users", ProtocolClient.JSON.createArrayNode().add("Mila")));
            assertThat(p.path("profiles").get(0).path("simulated").asBoolean()).isTrue();

            String s = me.ok(frame("chat.invite").set("to", ProtocolClient.JSON.createArrayNode().add("Mila")))
                    .path("session").asText();
            // Simulated neighbours always accept a real user's invite, then greet.
            me.awaitPush(n -> n.path("type").asText().equals("chat.session")
                    && n.path("state").asText().equals("ACTIVE"));
            me.awaitPush(n -> n.path("type").asText().equals("chat.message") && n.path("from").asText().equals("Mila"));
            me.ok(frame("chat.send").put("session", s).put("clientId", "q1").put("text", "hello Mila"));
            me.awaitPush(n -> n.path("type").asText().equals("chat.typing") && n.path("user").asText().equals("Mila"));
            me.awaitPush(n -> n.path("type").asText().equals("chat.message") && n.path("seq").asLong() == 3);
        }
    }
}
