package dev.vicinity.examples.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the server for the browser test: {@link #cut()} is a network drop (every
 * connection closed, new ones closed at once, until {@link #restore()}), {@link #freeze()} a silent
 * one (nothing forwarded either way and no close, new connections accepted and left hanging) until
 * {@link #restore()}, which closes the frozen connections. Thread-safe; one thread per direction.
 */
final class CuttableProxy implements AutoCloseable {
    private enum Mode { OPEN, CUT, FROZEN }

    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private Mode mode = Mode.OPEN;

    CuttableProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void cut() {
        synchronized (lock) {
            mode = Mode.CUT;
            lock.notifyAll();
        }
        closeAll();
    }

    void freeze() {
        synchronized (lock) {
            mode = Mode.FROZEN;
        }
    }

    void restore() {
        boolean wasFrozen;
        synchronized (lock) {
            wasFrozen = mode == Mode.FROZEN;
            mode = Mode.CUT;
        }
        if (wasFrozen) {
            closeAll(); // the frozen sockets were given up by the client; drop them like a network would
        }
        synchronized (lock) {
            mode = Mode.OPEN;
            lock.notifyAll();
        }
    }

    private void closeAll() {
        for (Socket s : sockets) {
            quietly(s);
        }
        sockets.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Mode now;
                synchronized (lock) {
                    now = mode;
                }
                if (now == Mode.CUT) {
                    quietly(client);
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // closed, or the server refused: the client sees a failed connection
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (lock) {
                        while (mode == Mode.FROZEN) {
                            lock.wait(); // a silent network: hold the bytes, send nothing, close nothing
                        }
                        if (mode == Mode.CUT) {
                            break;
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // cut or closed
            } finally {
                quietly(from);
                quietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
