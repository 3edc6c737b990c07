package dev.vicinity.examples.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps slow or greedy clients from exhausting the example host's connections (slowloris): a
 * {@link Connection.Listener} on Jetty's connectors that
 * <ul>
 *   <li>caps the TCP connections one client address holds at once: a connection over the cap is
 *       closed as soon as it opens ({@code maxPerAddress}, 0 = no cap; WebSockets count for as long
 *       as they are open);</li>
 *   <li>cuts a connection whose HTTP request header (a WebSocket upgrade included) is not complete
 *       within {@code headerTimeout}: counted from the connection's opening for its first request,
 *       from the first byte seen of a later request's header on a kept-alive connection. Jetty's
 *       idle timeout alone does not: a client sending one header line every few seconds is never
 *       idle.</li>
 * </ul>
 * A sweeper thread checks every open connection four times per header timeout (at most once per
 * second), so a slow first header is cut at most one sweep after the deadline (a later request's
 * at most two). Cheap: a few field reads per connection and sweep. Thread-safe.
 */
final class ConnectionGuard implements Connection.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    /** What is known of one open TCP connection. */
    private static final class Tracked {
        final InetAddress address;
        final long openedNanos = System.nanoTime();
        /** When its current request header was first seen incomplete (0: none), and which request. */
        long headerSinceNanos;
        long headerRequest = -1;

        Tracked(InetAddress address) {
            this.address = address;
        }
    }

    private final Duration headerTimeout;
    private final int maxPerAddress;
    private final Map<EndPoint, Tracked> open = new ConcurrentHashMap<>();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private final ScheduledExecutorService sweeper;

    ConnectionGuard(Duration headerTimeout, int maxPerAddress) {
        this.headerTimeout = headerTimeout;
        this.maxPerAddress = maxPerAddress;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vicinity-connection-guard");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, Math.min(1000, headerTimeout.toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(Connection connection) {
        EndPoint ep = connection.getEndPoint();
        if (open.containsKey(ep)) {
            return; // the same socket upgraded (HTTP → WebSocket): counted once
        }
        InetAddress address = addressOf(ep.getRemoteSocketAddress());
        Tracked t = new Tracked(address);
        if (open.putIfAbsent(ep, t) != null) {
            return;
        }
        if (address == null || maxPerAddress == 0) {
            return;
        }
        // Count and uncount inside the map's per-key lock (compute), so a counter that drops to 0 and is
        // removed can never be incremented by a concurrent open in between (the count would drift low).
        int n = perAddress.compute(address, (a, c) -> {
            AtomicInteger counter = c == null ? new AtomicInteger() : c;
            counter.incrementAndGet();
            return counter;
        }).get();
        if (n > maxPerAddress) {
            if (refused.getAndIncrement() % 1000 == 0) {
                LOG.warn("{} holds more than {} connections: closing the new ones ({} refused so far)",
                        address.getHostAddress(), maxPerAddress, refused.get());
            }
            ep.close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        EndPoint ep = connection.getEndPoint();
        if (!ep.isOpen()) {
            forget(ep);
        }
        // else: the socket was upgraded to another protocol and stays open; the sweeper forgets it later
    }

    private void forget(EndPoint ep) {
        Tracked t = open.remove(ep);
        if (t != null && t.address != null && maxPerAddress != 0) {
            perAddress.computeIfPresent(t.address, (a, c) -> c.decrementAndGet() <= 0 ? null : c);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        try {
            for (Map.Entry<EndPoint, Tracked> e : open.entrySet()) {
                EndPoint ep = e.getKey();
                if (!ep.isOpen()) {
                    forget(ep);
                    continue;
                }
                Tracked t = e.getValue();
                if (ep.getConnection() instanceof HttpConnection http) {
                    HttpParser parser = http.getParser();
                    long request = http.getMessagesIn();
                    // A fresh connection has until the deadline for its first complete header; a kept-alive
                    // one waiting between requests is left to the idle timeout.
                    boolean incomplete = request == 0 ? parser.isStart() || parser.inHeaderState()
                            : parser.inHeaderState() && !parser.isStart();
                    if (!incomplete) {
                        t.headerSinceNanos = 0;
                        continue;
                    }
                    if (t.headerSinceNanos == 0 || t.headerRequest != request) {
                        t.headerSinceNanos = request == 0 ? t.openedNanos : now;
                        t.headerRequest = request;
                    }
                    if (now - t.headerSinceNanos >= headerTimeout.toNanos()) {
                        if (cut.getAndIncrement() % 1000 == 0) {
                            LOG.info("cut a connection from {} whose request header took over {} ms ({} so far)",
                                    t.address == null ? "?" : t.address.getHostAddress(), headerTimeout.toMillis(),
                                    cut.get());
                        }
                        ep.close();
                    }
                } else {
                    t.headerSinceNanos = 0;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("connection sweep failed", e);
        }
    }

    /** Connections closed for exceeding the per-address cap, since start. */
    long refused() {
        return refused.get();
    }

    /** Connections cut for a slow request header, since start. */
    long cut() {
        return cut.get();
    }

    private static InetAddress addressOf(SocketAddress a) {
        return a instanceof InetSocketAddress isa ? isa.getAddress() : null;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
