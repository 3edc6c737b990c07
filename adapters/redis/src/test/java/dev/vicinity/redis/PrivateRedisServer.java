package dev.vicinity.redis;

import static org.awaitility.Awaitility.await;

import dev.vicinity.testkit.TestServers;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} of this test alone, on a free loopback port, with append-only persistence
 * ({@code appendfsync always}: every acknowledged write is on disk) in a temporary directory, so it
 * can be killed like a crash and started again on the same data. With {@code CI=true} a missing
 * binary fails the test; elsewhere it is skipped.
 */
final class PrivateRedisServer implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    /** A server with {@code extraArgs} added to its command line (e.g. {@code --cluster-enabled yes}). */
    PrivateRedisServer(String... extraArgs) throws IOException {
        this.extraArgs = List.of(extraArgs);
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        this.dir = Files.createTempDirectory("vicinity-redis-");
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    void start() throws IOException {
        List<String> command = new ArrayList<>(List.of(binary().getPath(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Kills the server like a crash (SIGKILL): only what is in the append-only file survives. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws Exception {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static File binary() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(d, "redis-server");
            if (f.canExecute()) {
                return f;
            }
        }
        TestServers.require("redis-server binary (to start a private server)", "127.0.0.1", 1,
                "install the Debian package redis-server");
        throw new IllegalStateException("unreachable");
    }
}
