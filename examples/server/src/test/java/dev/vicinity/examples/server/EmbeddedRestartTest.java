package dev.vicinity.examples.server;

import dev.vicinity.client.RawClient;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default keeps chats, history and ratings in its H2GIS file across a restart. */
class EmbeddedRestartTest {

    private static VicinityServer start(Path dir) {
        return VicinityServer.start(ServerConfig.parse(new String[] {"--port", "0", "--host", "127.0.0.1",
            "--data-dir", dir.toString()}, Map.of()), Clock.systemUTC());
    }

    private static RawClient signIn(VicinityServer server, String name) throws Exception {
        RawClient c = RawClient.connect(server.port());
        c.ok(frame("hello").put("v", 1).put("token", "demo:" + name).put("device", "d"));
        return c;
    }

    @Test
    void chatHistoryAndRatingsSurviveARestart(@TempDir Path dir) throws Exception {
        String session;
        try (VicinityServer server = start(dir)) {
            try (RawClient ann = signIn(server, "ann"); RawClient ben = signIn(server, "ben")) {
                session = ann.ok(frame("chat.invite").set("to", RawClient.JSON.createArrayNode().add("ben")))
                        .path("session").asText();
                ben.ok(frame("chat.accept").put("session", session));
                ann.ok(frame("chat.send").put("session", session).put("clientId", "m1").put("text", "before restart"));
                ben.ok(frame("chat.leave").put("session", session));
                ann.ok(frame("rating.submit").put("session", session).put("ratee", "ben").put("stars", 5));
                ben.ok(frame("rating.submit").put("session", session).put("ratee", "ann").put("stars", 4));
            }
        }
        assertThat(Files.exists(dir.resolve("vicinity.mv.db"))).isTrue();

        try (VicinityServer server = start(dir); RawClient ann = signIn(server, "ann")) {
            JsonNode again = ann.call(frame("rating.submit").put("session", session).put("ratee", "ben").put("stars", 1));
            assertThat(again.path("code").asText()).isEqualTo("already_rated");
            assertThat(server.node().ratings().aggregate(dev.vicinity.core.UserId.of("ben")).count()).isEqualTo(1);
            JsonNode history = ann.call(frame("chat.history").put("session", session).put("after", 0).put("limit", 10));
            // Ann is still a joined member of the ended session: she may read its history.
            assertThat(history.path("messages").findValuesAsText("text")).containsExactly("before restart");
        }
    }

    /** {@code /health} is unauthenticated: it shows the backend kind, never where its files are. */
    @Test
    void healthDoesNotShowTheDatabasePath(@TempDir Path dir) throws Exception {
        try (VicinityServer server = start(dir)) {
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.url() + "health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("embedded (H2GIS file").doesNotContain(dir.toString())
                    .doesNotContain("vicinity.mv.db").doesNotContain(dir.getFileName().toString());
        }
    }
}
