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
        // Sam signs in, accepts eight chats and then reads nothing (a stalled phone, a tiny receive
        // window); eight senders keep writing to him. Once Netty's buffer for his socket is over its
        // high-water mark the gateway's sends stop completing, it detaches him as a slow consumer, and
        // the host must then close his socket, not wait for him to read the close frame.
        String text = "é".repeat(4000); // 8 KB of UTF-8 per message
        List<RawClient> senders = new ArrayList<>();
        try (StalledSocket sam = StalledSocket.open(server.port(), "Sam")) {
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RawClient sender = connect();
                senders.add(sender);
                sender.hello("Sender" + i);
                String session = sender.ok(frame("chat.invite").set("to", RawClient.JSON.createArrayNode().add("Sam")))
                        .path("session").asText();
                sam.send(frame("chat.accept").put("id", "a" + i).put("session", session).toString());
                sessions.add(session);
            }
            for (int i = 0; i < 8; i++) {
                String session = sessions.get(i);
                RawClient sender = senders.get(i);
                await().atMost(Duration.ofSeconds(10)).until(() -> sender.frames().stream().anyMatch(f ->
                        f.path("type").asText().equals("chat.session") && f.path("state").asText().equals("ACTIVE")));
            }
            int before = health().path("sockets").asInt();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int sent = 0;
            while (health().path("sockets").asInt() == before && System.nanoTime() < deadline) {
                for (int i = 0; i < 8; i++) {
                    // fire and forget: a rate_limited answer only costs a message
                    senders.get(i).sendRaw(frame("chat.send").put("id", "s" + sent).put("session", sessions.get(i))
                            .put("clientId", "m" + sent).put("text", text).toString());
                    sent++;
                }
                await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }
            assertThat(health().path("sockets").asInt()).as("one socket closed by the server after %d sends", sent)
                    .isEqualTo(before - 1);
            assertThat(sam.readsToTheEndWithin(Duration.ofSeconds(10))).as("it is Sam's: his socket ends").isTrue();
            // The senders were not held up: every one is still connected and answers at once.
            for (RawClient sender : senders) {
                assertThat(sender.closed()).as("a sender's socket").isNotDone();
                assertThat(sender.ok(frame("ping")).path("type").asText()).isEqualTo("pong");
            }
        } finally {
            senders.forEach(RawClient::close);
        }
    }

    /** A WebSocket client on a plain socket with a 4 KB receive buffer that signs in and then never reads. */
    private static final class StalledSocket implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.OutputStream out;

        private StalledSocket(java.net.Socket socket) throws java.io.IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        static StalledSocket open(int port, String user) throws java.io.IOException {
            java.net.Socket s = new java.net.Socket();
            s.setReceiveBufferSize(4096); // before connecting: it caps the window the server may fill
            s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            java.io.InputStream in = s.getInputStream();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.IOException("closed during the upgrade: " + head);
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new java.io.IOException("upgrade refused: " + head);
            }
            StalledSocket st = new StalledSocket(s);
            st.send(frame("hello").put("id", "h").put("v", 1).put("token", "demo:" + user).put("device", "phone").toString());
            return st;
        }

        /** One masked text frame (RFC 6455, 5.2; the mask key is zero, which is allowed). */
        void send(String text) throws java.io.IOException {
            byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream();
            f.write(0x81);
            if (payload.length < 126) {
                f.write(0x80 | payload.length);
            } else {
                f.write(0x80 | 126);
                f.write(payload.length >>> 8);
                f.write(payload.length & 0xFF);
            }
            f.write(new byte[4]);
            f.write(payload);
            out.write(f.toByteArray());
            out.flush();
        }

        /** Reads what is buffered and on to the end of the stream; true if it ended (or was reset) within {@code d}. */
        boolean readsToTheEndWithin(Duration d) throws java.io.IOException {
            long end = System.nanoTime() + d.toNanos();
            byte[] buf = new byte[64 * 1024];
            try {
                while (System.nanoTime() < end) {
                    socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(end - System.nanoTime()).toMillis()));
                    if (socket.getInputStream().read(buf) < 0) {
                        return true;
                    }
                }
                return false;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (java.net.SocketException e) {
                return true; // reset by the server
            }
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }
}
