package dev.vicinity.client;

import static org.awaitility.Awaitility.await;

import dev.vicinity.testkit.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** The example server's jar ({@code examples/server/target/vicinity-server.jar}) run as a process of its own. */
final class ServerJar implements AutoCloseable {
    private static final Path JAR = Path.of("..", "..", "examples", "server", "target", "vicinity-server.jar");
    private static final Pattern URL = Pattern.compile("open http://localhost:(\\d+)/");

    private final Process process;
    private final int port;

    private ServerJar(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Skips the test (fails it when CI=true) when the jar was not built. */
    static void requireJar() {
        if (!Files.isRegularFile(JAR)) {
            String why = JAR.toAbsolutePath().normalize() + " is missing: run mvn -pl clients/java-it -am verify";
            if (TestServers.inCi()) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
    }

    /**
     * Starts {@code java -jar vicinity-server.jar --port 0 --host 127.0.0.1 --heartbeat 2 <args>} and
     * waits until it listens. The short heartbeat bounds how long a client takes to notice a connection
     * whose close it missed: the JDK's WebSocket can lose an end of stream that arrives while it is
     * delivering a frame, and then only the missing pong finds the dead socket (two heartbeats).
     */
    static ServerJar start(String name, String... args) throws IOException {
        Files.createDirectories(Path.of("target"));
        Path log = Path.of("target", "server-" + name + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(),
                "--port", "0", "--host", "127.0.0.1", "--heartbeat", "2"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Matcher started = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!p.isAlive()) {
                    throw new AssertionError("server " + name + " exited: " + Files.readString(log));
                }
                return URL.matcher(Files.readString(log));
            }, Matcher::find);
            return new ServerJar(p, Integer.parseInt(started.group(1)));
        } catch (RuntimeException | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** The arguments of a postgres+redis node sharing the run's schema, key prefix and cursor secret with its peers. */
    static String[] sharedBackend(String node, String run) {
        return new String[] {"--backend", "postgres+redis", "--node-id", node, "--pg-url", TestServers.postgresJdbcUrl(),
            "--pg-user", TestServers.postgresUser(), "--pg-password", TestServers.postgresPassword(),
            "--pg-schema", "client_it_" + run, "--redis-url", TestServers.redisUri(), "--redis-prefix", "client-it-" + run,
            "--cursor-secret", "client-it-" + run};
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
