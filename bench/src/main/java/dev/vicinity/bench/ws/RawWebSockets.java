package dev.vicinity.bench.ws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A deliberately small WebSocket client for the load driver: plain NIO, a few selector threads for
 * thousands of sockets, text frames only, and no per-message objects beyond the received text. It
 * exists so that the driver's own CPU stays small next to the server's on a shared machine (the JDK
 * client spends several times the server's CPU per message). Not a general client: no TLS, no
 * extensions, no fragmented sends, a fixed handshake key (the accept header is not verified), and
 * client frames carry an all-zero mask (RFC 6455 requires a mask, and any key is valid). Loopback only.
 */
final class RawWebSockets implements AutoCloseable {

    /** Receives what a socket gets: the text of each complete text frame, then a close or failure. */
    interface Handler {
        void onOpen(Socket socket);

        void onText(Socket socket, String text);

        void onClosed(Socket socket, String why);
    }

    private final Loop[] loops;
    private int next;

    RawWebSockets(int threads) {
        loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop(i);
            loops[i].start();
        }
    }

    /** Opens a socket to {@code uri} (ws://host:port/path); the handler hears {@code onOpen} after the upgrade. */
    Socket open(URI uri, Handler handler) {
        Loop loop = loops[next++ % loops.length];
        Socket s = new Socket(loop, uri, handler);
        loop.tasks.add(s::connect);
        loop.selector.wakeup();
        return s;
    }

    /** Total CPU time of the selector threads, nanoseconds. */
    long cpuNanos() {
        long sum = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Loop l : loops) {
            sum += Math.max(0, mx.getThreadCpuTime(l.getId()));
        }
        return sum;
    }

    @Override
    public void close() {
        for (Loop l : loops) {
            l.interrupt();
            l.selector.wakeup();
        }
    }

    private static final class Loop extends Thread {
        final Selector selector;
        final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);

        Loop(int index) {
            super("raw-ws-" + index);
            setDaemon(true);
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                try {
                    selector.select(100);
                    Runnable t;
                    while ((t = tasks.poll()) != null) {
                        t.run();
                    }
                    for (SelectionKey k : selector.selectedKeys()) {
                        Socket s = (Socket) k.attachment();
                        s.ready(k);
                    }
                    selector.selectedKeys().clear();
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    /** One connection. {@link #send} may be called from any thread. */
    static final class Socket {
        private static final byte[] EMPTY = new byte[0];
        private final Loop loop;
        private final URI uri;
        private final Handler handler;
        private SocketChannel channel;
        private SelectionKey key;
        private boolean upgraded;
        private volatile boolean open;
        /** Received bytes not yet forming a whole frame (or the handshake's response). */
        private byte[] carry = EMPTY;
        /** Outbound bytes not yet written, guarded by {@code this}. */
        private ByteBuffer pending;

        Socket(Loop loop, URI uri, Handler handler) {
            this.loop = loop;
            this.uri = uri;
            this.handler = handler;
        }

        boolean isOpen() {
            return open;
        }

        private void connect() {
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
                key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
            } catch (IOException e) {
                fail("connect: " + e.getMessage());
            }
        }

        private void ready(SelectionKey k) {
            try {
                if (!k.isValid()) {
                    return;
                }
                if (k.isConnectable()) {
                    channel.finishConnect();
                    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                    String req = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + "Sec-WebSocket-Version: 13\r\n\r\n";
                    k.interestOps(SelectionKey.OP_READ);
                    write(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
                    return;
                }
                if (k.isWritable()) {
                    synchronized (this) {
                        if (pending != null) {
                            channel.write(pending);
                            if (!pending.hasRemaining()) {
                                pending = null;
                                k.interestOps(SelectionKey.OP_READ);
                            }
                        }
                    }
                }
                if (k.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                fail(String.valueOf(e.getMessage()));
            }
        }

        private void read() throws IOException {
            ByteBuffer buf = loop.readBuffer;
            buf.clear();
            if (carry.length > 0) {
                buf.put(carry);
            }
            int n = channel.read(buf);
            if (n < 0) {
                fail("closed by the server");
                return;
            }
            buf.flip();
            if (!upgraded) {
                int end = indexOfHeaderEnd(buf);
                if (end < 0) {
                    keep(buf);
                    return;
                }
                byte[] head = new byte[end];
                buf.get(head);
                String status = new String(head, 0, Math.min(head.length, 12), StandardCharsets.US_ASCII);
                if (!status.startsWith("HTTP/1.1 101")) {
                    fail("upgrade refused: " + status);
                    return;
                }
                upgraded = true;
                open = true;
                handler.onOpen(this);
            }
            while (buf.remaining() >= 2) {
                int start = buf.position();
                int b0 = buf.get(start) & 0xff;
                int b1 = buf.get(start + 1) & 0x7f;
                int header = 2;
                long len = b1;
                if (b1 == 126) {
                    if (buf.remaining() < 4) {
                        break;
                    }
                    len = buf.getShort(start + 2) & 0xffff;
                    header = 4;
                } else if (b1 == 127) {
                    if (buf.remaining() < 10) {
                        break;
                    }
                    len = buf.getLong(start + 2);
                    header = 10;
                }
                if (buf.remaining() < header + len) {
                    break;
                }
                int opcode = b0 & 0x0f;
                if ((b0 & 0x80) == 0 || opcode == 0) {
                    fail("fragmented frames are not supported by this driver");
                    return;
                }
                byte[] payload = new byte[(int) len];
                buf.position(start + header);
                buf.get(payload);
                if (opcode == 1) {
                    handler.onText(this, new String(payload, StandardCharsets.UTF_8));
                } else if (opcode == 8) {
                    fail("close frame " + (payload.length >= 2 ? ((payload[0] & 0xff) << 8 | (payload[1] & 0xff)) : 1005));
                    return;
                } else if (opcode == 9) {
                    sendFrame(0x8A, payload);
                }
            }
            keep(buf);
        }

        private void keep(ByteBuffer buf) {
            if (buf.hasRemaining()) {
                carry = new byte[buf.remaining()];
                buf.get(carry);
            } else {
                carry = EMPTY;
            }
        }

        private static int indexOfHeaderEnd(ByteBuffer b) {
            for (int i = b.position(); i + 3 < b.limit(); i++) {
                if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
                    return i + 4 - b.position();
                }
            }
            return -1;
        }

        /** Sends one text frame; false when the socket is not open. Thread-safe, never blocks. */
        boolean send(String text) {
            if (!open) {
                return false;
            }
            return sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Sends a close frame with {@code code}. */
        void close(int code) {
            if (open) {
                sendFrame(0x88, new byte[] {(byte) (code >> 8), (byte) code});
                open = false;
            }
        }

        private boolean sendFrame(int b0, byte[] payload) {
            int len = payload.length;
            int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
            ByteBuffer frame = ByteBuffer.allocate(header + 4 + len);
            frame.put((byte) b0);
            if (len < 126) {
                frame.put((byte) (0x80 | len));
            } else if (len < 65536) {
                frame.put((byte) (0x80 | 126)).putShort((short) len);
            } else {
                frame.put((byte) (0x80 | 127)).putLong(len);
            }
            frame.putInt(0); // the mask key: all zero, so the payload goes as is
            frame.put(payload).flip();
            try {
                write(frame);
                return true;
            } catch (IOException e) {
                fail(e.getMessage());
                return false;
            }
        }

        private void write(ByteBuffer frame) throws IOException {
            synchronized (this) {
                if (pending != null) {
                    ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + frame.remaining());
                    joined.put(pending).put(frame).flip();
                    pending = joined;
                    return;
                }
                channel.write(frame);
                if (frame.hasRemaining()) {
                    pending = frame;
                    loop.tasks.add(() -> {
                        if (key.isValid()) {
                            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        }
                    });
                    loop.selector.wakeup();
                }
            }
        }

        private void fail(String why) {
            boolean was = open || !upgraded;
            open = false;
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
            if (was) {
                upgraded = true;
                handler.onClosed(this, why);
            }
        }
    }
}
