package dev.vicinity.examples.springboot;

import static dev.vicinity.client.RawClient.frame;
import static dev.vicinity.client.RecordingClient.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.client.ConnectionState;
import dev.vicinity.client.RawClient;
import dev.vicinity.client.RecordingClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the example application on a random port with the given arguments and runs a chat between two Java clients. */
final class ChatScenario {
    private ChatScenario() {}

    static ConfigurableApplicationContext start(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--server.port=0";
        System.arraycopy(args, 0, all, 1, args.length);
        return SpringApplication.run(VicinityBootApplication.class, all);
    }

    static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** The page and the health endpoint (store and bus UP), then Ann invites Ben, Ben accepts, Ann writes. */
    static void run(ConfigurableApplicationContext context) throws Exception {
        int port = port(context);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("app.js");
        // the page's client, from the example server's jar (present when npm built it; CI requires npm)
        HttpResponse<String> client = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/vicinity-client/index.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        boolean packaged = ChatScenario.class.getResource("/public/vicinity-client/index.js") != null;
        assertThat(client.statusCode()).isEqualTo(packaged ? 200 : 404);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode h = RawClient.JSON.readTree(health.body());
        assertThat(h.path("components").path("vicinityStore").path("status").asText()).isEqualTo("UP");
        assertThat(h.path("components").path("vicinityBus").path("status").asText()).isEqualTo("UP");

        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String annName = "Ann" + suffix;
        String benName = "Ben" + suffix;
        // The raw path: over maxFrameBytes (16 KiB) and over Tomcat's default 8 KiB buffer, the gateway answers
        // and the socket stays (a well-behaved client never sends such a frame).
        try (RawClient raw = RawClient.connect(URI.create("ws://localhost:" + port + "/ws"))) {
            JsonNode welcome = raw.ok(frame("hello").put("v", 1).put("token", "demo:" + annName).put("device", "a0"));
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            raw.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(20_000) + "\"}");
            raw.await(n -> n.path("type").asText().equals("error") && n.path("code").asText().equals("frame_too_large"));
            assertThat(raw.call(frame("ping")).path("type").asText()).isEqualTo("pong");
        }
        // The chat, through the Java client.
        URI ws = URI.create("ws://localhost:" + port + "/ws");
        try (RecordingClient ann = RecordingClient.connect(ws, annName, b -> { });
             RecordingClient ben = RecordingClient.connect(ws, benName, b -> { })) {
            assertThat(ann.states).anyMatch(st -> st.status() == ConnectionState.Status.CONNECTED && !st.resumed());
            String session = get(ann.client.invite(List.of(benName))).session();
            assertThat(session).isNotEmpty();
            get(ben.client.accept(session));
            get(ann.client.sendMessage(session, "hi " + benName).result());
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> ben.messages.stream().anyMatch(m ->
                    m.session().equals(session) && m.text().equals("hi " + benName)));
            get(ben.client.sendMessage(session, "hello " + annName).result());
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> ann.texts().contains("hello " + annName));
        }
    }
}
