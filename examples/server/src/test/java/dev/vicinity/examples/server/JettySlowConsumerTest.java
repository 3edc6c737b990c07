package dev.vicinity.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.client.RawClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SlowConsumerScenario} against the Jetty host ({@link VicinityServer}), as against the Netty one. */
class JettySlowConsumerTest {
    private VicinityServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = VicinityServer.start(ServerConfig.parse(new String[] {"--port", "0", "--host", "127.0.0.1",
            "--backend", "memory", "--max-connections-per-address", "1000"}, Map.of()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aSlowConsumerIsDetachedAndItsSocketClosedWhileItReadsNothing() throws Exception {
        SlowConsumerScenario.run(server.port(), this::health);
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return RawClient.JSON.readTree(r.body());
    }
}
