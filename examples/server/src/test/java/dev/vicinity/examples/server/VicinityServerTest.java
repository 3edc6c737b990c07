package dev.vicinity.examples.server;

import dev.vicinity.client.RawClient;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server on the in-memory backend over real HTTP and WebSocket on localhost: endpoints and wiring. */
class VicinityServerTest {
    private VicinityServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = VicinityServer.start(ServerConfig.parse(new String[] {"--port", "0", "--host", "127.0.0.1",
            "--backend", "memory"}, Map.of()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSlowConsumerIsDetachedAndItsSocketClosedWhileItReadsNothing() throws Exception {
        SlowConsumerScenario.run(server.port(), () -> RawClient.JSON.readTree(get("health").body()));
    }

    @Test
    void servesThePageHealthAndMetrics() throws Exception {
        HttpResponse<String> page = get("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\">");
        assertThat(get("app.js").body()).contains("import('./vicinity-client/index.js')"); // the page runs on @vicinity/client
        HttpResponse<String> health = get("health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode h = RawClient.JSON.readTree(health.body());
        assertThat(h.path("status").asText()).isEqualTo("UP");
        assertThat(h.path("store").path("healthy").asBoolean()).isTrue();
        assertThat(h.path("bus").path("healthy").asBoolean()).isTrue();
        HttpResponse<String> metrics = get("metrics");
        assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(metrics.body()).contains("vicinity_bus_healthy 1.0");
    }

    @Test
    void aSocketSpeaksTheProtocolAndTheDemoFrames() throws Exception {
        try (RawClient ann = RawClient.connect(server.port());
             RawClient ben = RawClient.connect(server.port())) {
            JsonNode welcome = ann.ok(frame("hello").put("v", 1).put("token", "demo:Ann Lee").put("device", "t1"));
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            assertThat(welcome.path("user").asText()).isEqualTo("Ann=20Lee"); // reversible: DemoAuthenticator.displayNameOf gives "Ann Lee"
            ben.ok(frame("hello").put("v", 1).put("token", "demo:Ben").put("device", "t2"));
            ann.ok(frame("geo.location").put("lat", 48.8566).put("lon", 2.3522).put("source", "manual"));
            ben.ok(frame("geo.location").put("lat", 48.8600).put("lon", 2.3500));
            JsonNode near = ann.ok(frame("geo.nearby").put("radius", 5000).put("limit", 10));
            assertThat(near.path("users").findValuesAsText("user")).containsExactly("Ben");
            assertThat(near.toString()).doesNotContain("48.86");
            JsonNode profiles = ann.ok(frame("demo.profiles").set("users",
                    RawClient.JSON.createArrayNode().add("Ben").add("Nobody")));
            assertThat(profiles.path("profiles").get(0).path("online").asBoolean()).isTrue();
            assertThat(profiles.path("profiles").get(0).path("simulated").asBoolean()).isFalse();
            assertThat(profiles.path("profiles").get(1).path("online").asBoolean()).isFalse();
            JsonNode bad = ann.call(frame("demo.profiles").put("users", "Ben"));
            assertThat(bad.path("code").asText()).isEqualTo("invalid_field");
        }
    }

    @Test
    void aTokenThatIsNotADemoTokenIsRefusedAndTheSocketClosed() throws Exception {
        try (RawClient eve = RawClient.connect(server.port())) {
            JsonNode r = eve.call(frame("hello").put("v", 1).put("token", "admin").put("device", "x"));
            assertThat(r.path("code").asText()).isEqualTo("auth_failed");
            assertThat(eve.closed().get(5, TimeUnit.SECONDS).status()).isEqualTo(4203);
        }
    }

    /** docs/examples.md: an empty token signs in with the demo cookie, only from this server's own origin. */
    @Test
    void theDemoCookieSignsInOverARealSocketOnlyFromTheServersOwnOrigin() throws Exception {
        String own = "http://localhost:" + server.port();
        try (RawClient viv = RawClient.connect(URI.create("ws://localhost:" + server.port() + "/ws"),
                Map.of("Cookie", DemoAuthenticator.COOKIE + "=Viv", "Origin", own))) {
            JsonNode r = viv.call(frame("hello").put("v", 1).put("token", "").put("device", "web"));
            assertThat(r.path("type").asText()).as("%s", r).isEqualTo("welcome");
            assertThat(r.path("user").asText()).isNotEmpty();
        }
        try (RawClient evil = RawClient.connect(URI.create("ws://localhost:" + server.port() + "/ws"),
                Map.of("Cookie", DemoAuthenticator.COOKIE + "=Viv", "Origin", "http://evil.example"))) {
            JsonNode r = evil.call(frame("hello").put("v", 1).put("token", "").put("device", "web"));
            assertThat(r.path("code").asText()).isEqualTo("auth_failed");
            assertThat(r.path("message").asText()).contains("own pages").doesNotContain("Viv");
            assertThat(evil.closed().get(5, TimeUnit.SECONDS).status()).isEqualTo(4203);
        }
    }
}
