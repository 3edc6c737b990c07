package dev.vicinity.examples.springboot;

import static dev.vicinity.examples.springboot.ChatClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the example application on a random port with the given arguments and runs a chat between two sockets. */
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
        JsonNode h = ChatClient.JSON.readTree(health.body());
        assertThat(h.path("components").path("vicinityStore").path("status").asText()).isEqualTo("UP");
        assertThat(h.path("components").path("vicinityBus").path("status").asText()).isEqualTo("UP");

        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String annName = "Ann" + suffix;
        String benName = "Ben" + suffix;
        try (ChatClient ann = new ChatClient(port, "/ws"); ChatClient ben = new ChatClient(port, "/ws")) {
            JsonNode welcome = ann.ok(frame("hello").put("v", 1).put("token", "demo:" + annName).put("device", "a1"));
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            ben.ok(frame("hello").put("v", 1).put("token", "demo:" + benName).put("device", "b1"));
            // Over maxFrameBytes (16 KiB) and over Tomcat's default 8 KiB buffer: the gateway answers, the socket stays.
            ann.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(20_000) + "\"}");
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> ann.pushes().stream().anyMatch(n ->
                    n.path("type").asText().equals("error") && n.path("code").asText().equals("frame_too_large")));
            String session = ann.ok(frame("chat.invite").set("to", ChatClient.JSON.createArrayNode().add(benName)))
                    .path("session").asText();
            assertThat(session).isNotEmpty();
            ben.ok(frame("chat.accept").put("session", session));
            ann.ok(frame("chat.send").put("session", session).put("clientId", "m1").put("text", "hi " + benName));
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> ben.pushes().stream().anyMatch(n ->
                    n.path("type").asText().equals("chat.message") && n.path("session").asText().equals(session)
                            && n.path("text").asText().equals("hi " + benName)));
            ben.ok(frame("chat.send").put("session", session).put("clientId", "m2").put("text", "hello " + annName));
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> ann.pushes().stream().anyMatch(n ->
                    n.path("type").asText().equals("chat.message") && n.path("text").asText().equals("hello " + annName)));
        }
    }
}
