package dev.vicinity.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the server: {@link #cut()} is a network drop (every connection closed
 * abruptly, new ones closed at once) until {@link #restore()}; {@link #cutWhenServerSends} loses one
 * server frame (and the connection) on its way back. Thread-safe; one thread per direction.
 */
final class DropProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private final AtomicReference<byte[]> trap = new AtomicReference<>();
    private final CountDownLatch sprung = new CountDownLatch(1);

    DropProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "drop-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void cut() {
        cut = true;
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    void restore() {
        cut = false;
    }

    /**
     * Once: the first read from the server that contains {@code marker} (server frames are not masked)
     * is not forwarded and every connection is cut at once, so the server has handled what the client
     * sent but the client never sees the answer. Later connections are let through.
     */
    void cutWhenServerSends(String marker) {
        trap.set(marker.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@link #cutWhenServerSends} has swallowed its frame. */
    boolean sprung() {
        return sprung.getCount() == 0;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(upstream);
                pipe(client, upstream, false);
                pipe(upstream, client, true);
            } catch (IOException e) {
                // closed, or the server refused: the client sees a dropped connection
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean fromServer) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    byte[] marker = fromServer ? trap.get() : null;
                    if (marker != null && contains(buf, n, marker) && trap.compareAndSet(marker, null)) {
                        for (Socket s : sockets) {
                            closeQuietly(s);
                        }
                        sockets.clear();
                        sprung.countDown();
                        return;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "drop-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static boolean contains(byte[] buf, int n, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= n; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (buf[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
