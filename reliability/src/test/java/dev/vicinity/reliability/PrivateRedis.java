package dev.vicinity.reliability;

import static org.awaitility.Awaitility.await;
import dev.vicinity.testkit.TestServers;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/** A {@code redis-server} this test starts on a free loopback port (never the machine's), killable at will. */
final class PrivateRedis implements AutoCloseable {
    final int port;
    private final File binary;
    private Process process;

    private PrivateRedis(File binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    static PrivateRedis start() throws Exception {
        File bin = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                bin = f;
                break;
            }
        }
        if (bin == null) {
            TestServers.require("redis-server binary", "127.0.0.1", 1, "install the Debian package redis-server");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PrivateRedis r = new PrivateRedis(bin, port);
        r.startServer();
        return r;
    }

    void startServer() throws Exception {
        process = new ProcessBuilder(binary.getPath(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        waitFor(true);
    }

    /** kill -9: the server vanishes mid-traffic. */
    void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        waitFor(false);
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    private void waitFor(boolean up) {
        await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> PrivatePostgres.portOpen(port) == up);
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
