package dev.vicinity.examples.server;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.client.RawClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Netty host over real sockets on localhost: the same protocol and {@code /health} as the Jetty
 * host, frames written during an inbound frame are flushed (nothing waits for a later frame), pushes
 * from another loop's socket arrive, and bad frames get typed errors.
 */
class NettyVicinityServerTest {
    private static final int PAIRS = 8;
    private static final int MESSAGES = 30;
    private NettyVicinityServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        start("--max-connections-per-address", "1000");
    }

    private void start(String... flags) {
        if (server != null) {
            server.close();
        }
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("--port", "0", "--host", "127.0.0.1",
                "--backend", "memory"), java.util.Arrays.stream(flags)).toArray(String[]::new);
        server = NettyVicinityServer.start(ServerConfig.parse(args, Map.of()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aConnectionWithoutACompleteUpgradeIsCutAfterTheHeaderTimeout() throws Exception {
        start("--header-timeout", "1s");
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
            s.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            assertThat(s.getInputStream().read()).as("the server closes the connection").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(5));
        }
    }

    @Test
    void aConnectionOverThePerAddressCapIsClosedAsItOpens() throws Exception {
        start("--max-connections-per-address", "1");
        try (RawClient first = connect()) {
            try (java.net.Socket second = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
                second.setSoTimeout(10_000);
                assertThat(second.getInputStream().read()).as("closed at once").isEqualTo(-1);
            }
            assertThat(first.hello("Ann").path("type").asText()).isEqualTo("welcome");
            first.signOut();
        }
        // the slot is free again once the first one left
        await().atMost(Duration.ofSeconds(10)).until(() -> health().path("sockets").asInt() == 0);
        try (RawClient again = connect()) {
            assertThat(again.hello("Ben").path("type").asText()).isEqualTo("welcome");
        }
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return RawClient.JSON.readTree(r.body());
    }

    private RawClient connect() throws Exception {
        return RawClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws"));
    }

    @Test
    void healthAnswersLikeTheJettyHost() throws Exception {
        JsonNode h = health();
        assertThat(h.path("status").asText()).isEqualTo("UP");
        assertThat(h.path("backend").asText()).isEqualTo("in-memory");
        assertThat(h.path("sockets").asInt()).isZero();
    }

    @Test
    void chatsRunBothWaysInOrderAndEveryFrameIsFlushed() throws Exception {
        // Several pairs (each user stays under the per-user message rate): a peer's message reaches a
        // socket from the other loop while the socket's own copy of the next one is written on its own
        // loop; the first must not be overtaken (it was, before sends were queued per socket).
        for (int pair = 0; pair < PAIRS; pair++) {
            chatBothWays("Ann" + pair, "Ben" + pair);
        }
    }

    private void chatBothWays(String a, String b) throws Exception {
        try (RawClient ann = connect(); RawClient ben = connect()) {
            ann.hello(a);
            ben.hello(b);
            assertThat(health().path("sockets").asInt()).isEqualTo(2);
            JsonNode invited = ann.ok(frame("chat.invite").set("to", RawClient.JSON.createArrayNode().add(b)));
            String session = invited.path("session").asText();
            ben.await(f -> f.path("type").asText().equals("chat.session") && f.path("state").asText().equals("INVITED"));
            ben.ok(frame("chat.accept").put("session", session));
            // each ok is awaited before the next send: an ok left unflushed would stall here
            List<Long> acked = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                RawClient from = i % 2 == 0 ? ann : ben;
                JsonNode ok = from.ok(frame("chat.send").put("session", session).put("clientId", "m" + i)
                        .put("text", "hello " + i));
                acked.add(ok.path("seq").asLong());
            }
            assertThat(acked).isEqualTo(java.util.stream.LongStream.rangeClosed(1, MESSAGES).boxed().toList());
            // both members get every message (their own copy included), in order, exactly once
            await().atMost(Duration.ofSeconds(10)).until(() -> ann.messageSeqs(session).size() == MESSAGES
                    && ben.messageSeqs(session).size() == MESSAGES);
            assertThat(ann.messageSeqs(session)).isEqualTo(acked);
            assertThat(ben.messageSeqs(session)).isEqualTo(acked);
            ann.signOut();
            ben.signOut();
        }
    }

    @Test
    void badFramesGetTypedErrorsAndTheSocketLives() throws Exception {
        try (RawClient ann = connect()) {
            ann.hello("Ann");
            ann.sendBinary(new byte[] {1, 2, 3});
            assertThat(ann.await(f -> f.path("type").asText().equals("error")).path("code").asText())
                    .isEqualTo("binary_not_supported");
            ann.sendRaw("{\"type\":\"ping\",\"id\":\"p\",\"pad\":\"" + "x".repeat(20_000) + "\"}");
            assertThat(ann.await(f -> f.path("code").asText().equals("frame_too_large"))).isNotNull();
            assertThat(ann.ok(frame("ping")).path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void aSignOutAndACutBothReachTheGateway() throws Exception {
        RawClient ann = connect();
        ann.hello("Ann");
        ann.signOut();
        RawClient ben = connect();
        ben.hello("Ben");
        ben.close(); // cut without a close frame
        await().atMost(Duration.ofSeconds(10)).until(() -> health().path("sockets").asInt() == 0);
    }

    @Test
    void aSlowConsumerIsDetachedAndItsSocketClosedWhileItReadsNothing() throws Exception {
        SlowConsumerScenario.run(server.port(), this::health);
    }
}
