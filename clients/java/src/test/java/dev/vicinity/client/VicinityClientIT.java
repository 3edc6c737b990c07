package dev.vicinity.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against the real example server ({@code java -jar vicinity-server.jar --backend memory}):
 * two users chat, one user's connection is dropped by a TCP proxy, and the messages sent meanwhile
 * in both directions arrive exactly once after the resume.
 */
class VicinityClientIT {
    private static final Path JAR = Path.of("..", "..", "examples", "server", "target", "vicinity-server.jar");
    private static final Pattern URL = Pattern.compile("open http://localhost:(\\d+)/");

    private Process server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void requireJar() {
        if (!Files.isRegularFile(JAR)) {
            String why = JAR.toAbsolutePath().normalize() + " is missing: run mvn -pl examples/server -am package first";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (server != null) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private int startServer() throws Exception {
        Files.createDirectories(Path.of("target"));
        Path log = Path.of("target", "vicinity-client-it-server.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", JAR.toString(), "--port", "0", "--host", "127.0.0.1", "--backend", "memory")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Process p = server;
        Matcher started = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError("server exited: " + Files.readString(log));
            }
            return URL.matcher(Files.readString(log));
        }, Matcher::find);
        return Integer.parseInt(started.group(1));
    }

    /** A client and what it saw. */
    private record User(VicinityClient client, List<ChatMessage> messages, List<ConnectionState> states) {}

    private User user(String name, int port) {
        ExecutorScheduler scheduler = new ExecutorScheduler("it-" + name);
        List<ChatMessage> messages = new CopyOnWriteArrayList<>();
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        VicinityClient c = VicinityClient.builder(() -> URI.create("ws://127.0.0.1:" + port + "/ws"), () -> "demo:" + name, "phone")
                .scheduler(scheduler).backoff(50, 500).build();
        c.addListener(new VicinityClientListener() {
            @Override
            public void onMessage(ChatMessage m) {
                messages.add(m);
            }

            @Override
            public void onState(ConnectionState s) {
                states.add(s);
            }
        });
        closeables.add(scheduler::shutdown);
        closeables.add(c);
        c.connect();
        await().atMost(Duration.ofSeconds(20)).until(() -> c.state().status() == ConnectionState.Status.CONNECTED);
        return new User(c, messages, states);
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void messagesSentWhileOneSideIsDroppedArriveExactlyOnceAfterTheResume() throws Exception {
        int port = startServer();
        DropProxy proxy = new DropProxy(port);
        closeables.add(proxy);
        User alice = user("alice", proxy.port());
        User bob = user("bob", port);
        get(alice.client().updateLocation(52.5200, 13.4050, Map.of("accuracy", 10)));
        get(bob.client().updateLocation(52.5201, 13.4051, Map.of("accuracy", 10)));

        JsonNode invited = get(alice.client().invite(List.of(bob.client().state().user())));
        String session = invited.path("session").asText();
        get(bob.client().accept(session));
        assertThat(get(alice.client().sendMessage(session, "hi bob").result()).seq()).isEqualTo(1);
        assertThat(get(bob.client().sendMessage(session, "hi alice").result()).seq()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.messages().size() == 2 && bob.messages().size() == 2);

        proxy.cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.client().state().status() != ConnectionState.Status.CONNECTED);
        List<VicinityClient.Send> fromBob = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            fromBob.add(bob.client().sendMessage(session, "while away " + i));
        }
        for (VicinityClient.Send s : fromBob) {
            get(s.result());
        }
        List<VicinityClient.Send> fromAlice = List.of(alice.client().sendMessage(session, "queued 1"),
                alice.client().sendMessage(session, "queued 2"));
        proxy.restore();

        for (VicinityClient.Send s : fromAlice) {
            get(s.result());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> alice.messages().size() >= 7 && bob.messages().size() >= 7);
        assertThat(alice.states()).anyMatch(s -> s.status() == ConnectionState.Status.CONNECTED && s.resumed());
        for (User u : List.of(alice, bob)) {
            assertThat(u.messages()).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        }
        assertThat(alice.messages()).extracting(ChatMessage::text).containsSubsequence("while away 1", "while away 2", "while away 3");
        assertThat(bob.messages()).extracting(ChatMessage::text).containsSubsequence("queued 1", "queued 2");
        assertThat(alice.messages().stream().filter(m -> m.text().startsWith("queued"))).hasSize(2);
    }
}
