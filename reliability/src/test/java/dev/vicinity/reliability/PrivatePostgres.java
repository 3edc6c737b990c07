package dev.vicinity.reliability;

import static org.awaitility.Awaitility.await;
import dev.vicinity.testkit.TestServers;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL cluster made with {@code initdb} on a free loopback port, so a test can
 * stop and start it without touching the machine's server. Runs the server as the {@code postgres}
 * user when the test runs as root (PostgreSQL refuses root). Trust authentication, loopback only.
 */
final class PrivatePostgres implements AutoCloseable {
    private static final String[] BIN_DIRS = {"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
        "/usr/lib/postgresql/17/bin"};
    final int port;
    private final Path dir;
    private final File bin;
    private final boolean root;

    private PrivatePostgres(File bin, Path dir, int port, boolean root) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.root = root;
    }

    /** Creates and starts a cluster, or fails (CI) / skips (elsewhere) if initdb is missing. */
    static PrivatePostgres start() throws Exception {
        File bin = null;
        for (String d : BIN_DIRS) {
            if (new File(d, "initdb").canExecute()) {
                bin = new File(d);
                break;
            }
        }
        if (bin == null) {
            TestServers.require("PostgreSQL binaries (initdb)", "127.0.0.1", 1, "install postgresql");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("vicinity-pg-");
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PrivatePostgres pg = new PrivatePostgres(bin, dir, port, root);
        pg.asPostgres(List.of(new File(bin, "initdb").getPath(), "-D", dir.resolve("data").toString(), "-A", "trust",
                "-U", "postgres", "--no-sync"));
        pg.startServer();
        return pg;
    }

    void startServer() throws Exception {
        asPostgres(List.of(new File(bin, "pg_ctl").getPath(), "-D", dir.resolve("data").toString(), "-w", "-t", "30",
                "-l", dir.resolve("log").toString(), "-o",
                "-p " + port + " -h 127.0.0.1 -k " + dir + " -c fsync=off -c full_page_writes=off", "start"));
        waitForPort(true);
    }

    /** Stops the server; {@code immediate} is a crash (no checkpoint), otherwise a fast shutdown. */
    void stopServer(boolean immediate) throws Exception {
        asPostgres(List.of(new File(bin, "pg_ctl").getPath(), "-D", dir.resolve("data").toString(), "-w", "-m",
                immediate ? "immediate" : "fast", "stop"));
        waitForPort(false);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=2&socketTimeout=10";
    }

    private void waitForPort(boolean open) {
        await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> portOpen(port) == open);
    }

    static boolean portOpen(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void asPostgres(List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("command failed: " + command + "\n" + out);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stopServer(true);
        } catch (Exception ignored) {
            // already stopped
        }
        run(List.of("rm", "-rf", dir.toString()));
    }
}
