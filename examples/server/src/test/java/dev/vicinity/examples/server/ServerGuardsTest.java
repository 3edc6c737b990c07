package dev.vicinity.examples.server;

import dev.vicinity.client.RawClient;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The example host's guards and timings over real sockets (memory backend, loopback): a slow-header
 * client (slowloris: one header line every 300 ms) is cut within the header deadline; the per-address
 * connection cap closes connections over it at once; the timings given on the command line reach the
 * protocol ({@code welcome}'s {@code heartbeatSeconds} and {@code resumeWindowSeconds}, the auth deadline).
 */
class ServerGuardsTest {
    private VicinityServer server;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slow-client");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() throws Exception {
        writer.shutdownNow();
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1", "--backend", "memory"));
        args.addAll(List.of(extra));
        server = VicinityServer.start(ServerConfig.parse(args.toArray(String[]::new), Map.of()), Clock.systemUTC());
    }

    /** Reads until the server closes the socket; returns what it sent. */
    private static String readUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] all = in.readAllBytes();
        return new String(all, StandardCharsets.US_ASCII);
    }

    @Test
    void aSlowHeaderIsCutWithinTheHeaderDeadline() throws Exception {
        start("--header-timeout", "1s");
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        open.add(s);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        long t0 = System.nanoTime();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        AtomicInteger lines = new AtomicInteger();
        writer.scheduleWithFixedDelay(() -> {
            try {
                out.write(("X-Slow-" + lines.incrementAndGet() + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException cut) {
                throw new IllegalStateException(cut); // ends the writer
            }
        }, 300, 300, TimeUnit.MILLISECONDS);
        String answer;
        try {
            answer = readUntilClosed(s);
        } catch (java.net.SocketException reset) {
            answer = "(reset)";
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("cut after %s ms (%s lines sent), answer %s", ms, lines.get(), answer)
                .isGreaterThanOrEqualTo(900).isLessThan(2_500);
        assertThat(lines.get()).as("the client was sending header lines all along").isGreaterThanOrEqualTo(2);

        // A normal request is not affected.
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.url() + "health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    /** The reported attack, scaled down: many slow upgrade requests at once are all cut in time. */
    @Test
    void twoHundredSlowHeadersAreAllCut() throws Exception {
        start("--header-timeout", "1s");
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
            open.add(s);
            s.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
        }
        long t0 = System.nanoTime();
        writer.scheduleWithFixedDelay(() -> {
            for (Socket s : slow) {
                try {
                    s.getOutputStream().write("X-Slow: a\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException cut) {
                    // this one is gone already
                }
            }
        }, 300, 300, TimeUnit.MILLISECONDS);
        for (Socket s : slow) {
            s.setSoTimeout(5_000);
            try {
                readUntilClosed(s);
            } catch (java.net.SocketException reset) {
                // cut with a reset: as good
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("all 200 cut after %s ms", ms).isLessThan(3_000);
    }

    @Test
    void aSilentConnectionIsCutAtTheHeaderDeadlineToo() throws Exception {
        start("--header-timeout", "1s");
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        open.add(s);
        s.setSoTimeout(10_000);
        long t0 = System.nanoTime();
        readUntilClosed(s);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isGreaterThanOrEqualTo(900).isLessThan(2_500);
    }

    @Test
    void connectionsOverThePerAddressCapAreClosedAtOnce() throws Exception {
        start("--max-connections-per-address", "3");
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawClient c = RawClient.connect(server.port());
            open.add(c);
            clients.add(c);
            c.ok(frame("hello").put("v", 1).put("token", "demo:u" + i).put("device", "d"));
        }
        assertThatThrownBy(() -> open.add(RawClient.connect(server.port())))
                .as("a fourth connection from the same address").isInstanceOf(Exception.class);
        // The three keep working; when one leaves, a new one is let in.
        assertThat(clients.get(0).call(frame("ping")).path("type").asText()).isEqualTo("pong");
        clients.get(2).close();
        RawClient again = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> RawClient.connect(server.port()), c -> c != null);
        open.add(again);
        assertThat(again.ok(frame("hello").put("v", 1).put("token", "demo:u9").put("device", "d"))
                .path("type").asText()).isEqualTo("welcome");
    }

    @Test
    void timingsFromTheCommandLineReachTheProtocol() throws Exception {
        start("--lease-ttl", "9", "--heartbeat", "3", "--resume-window", "45s", "--auth-deadline", "1");
        RawClient c = RawClient.connect(server.port());
        open.add(c);
        JsonNode welcome = c.ok(frame("hello").put("v", 1).put("token", "demo:ann").put("device", "d"));
        assertThat(welcome.path("heartbeatSeconds").asLong()).isEqualTo(3);
        assertThat(welcome.path("resumeWindowSeconds").asLong()).isEqualTo(45);
        // A socket that never signs in is closed after the 1 s auth deadline (plus one 1 s maintenance tick).
        RawClient silent = RawClient.connect(server.port());
        open.add(silent);
        long t0 = System.nanoTime();
        silent.closed().get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    }
}
