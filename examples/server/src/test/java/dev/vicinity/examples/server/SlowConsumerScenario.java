package dev.vicinity.examples.server;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.client.RawClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client that stops reading, run against a host on {@code port}: Sam signs in, accepts eight chats
 * and then reads nothing (a stalled phone, a 4 KiB receive window); eight senders keep writing to him.
 * The gateway must detach him as a slow consumer and the host close his socket (not wait for him to read
 * the close frame), while every sender stays connected. Used by the tests of both example hosts.
 */
final class SlowConsumerScenario {
    /** {@code /health} of the host, as a tree. */
    interface Health {
        JsonNode get() throws Exception;
    }

    private SlowConsumerScenario() {}

    static void run(int port, Health health) throws Exception {
        // Once the host's buffer for his socket is full, the gateway's sends stop completing and it
        // detaches him as a slow consumer.
        String text = "é".repeat(4000); // 8 KB of UTF-8 per message
        List<RawClient> senders = new ArrayList<>();
        try (StalledSocket sam = StalledSocket.open(port, "Sam")) {
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RawClient sender = RawClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws"));
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
            int before = health.get().path("sockets").asInt();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int sent = 0;
            while (health.get().path("sockets").asInt() == before && System.nanoTime() < deadline) {
                for (int i = 0; i < 8; i++) {
                    // fire and forget: a rate_limited answer only costs a message
                    senders.get(i).sendRaw(frame("chat.send").put("id", "s" + sent).put("session", sessions.get(i))
                            .put("clientId", "m" + sent).put("text", text).toString());
                    sent++;
                }
                await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }
            assertThat(health.get().path("sockets").asInt()).as("one socket closed by the server after %d sends", sent)
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
