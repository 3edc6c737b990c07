package dev.vicinity.examples.server;

import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.Transport;
import dev.vicinity.gateway.UpgradeRequest;
import dev.vicinity.node.VicinityBackend;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.websocket.WsContext;
import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example host: a Javalin (Jetty 12) server that serves the web page from {@code /public},
 * accepts WebSockets on {@code /ws} and hands every socket to the node's {@link Gateway}, and exposes
 * {@code /health} (store, presence and bus, from background probes: it never waits for a backend) and
 * {@code /metrics} (Prometheus text). A {@link ConnectionGuard} cuts slow request headers and caps
 * connections per client address. Optionally runs simulated neighbours ({@link Simulator}).
 *
 * <p>Start it with {@link #start(ServerConfig, Clock)} or from the command line ({@link #main}). All
 * methods are thread-safe.
 */
public final class VicinityServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VicinityServer.class);

    private final ServerConfig config;
    private final VicinityBackend backend;
    private final VicinityNode node;
    private final Javalin app;
    private final Map<String, GatewayConnection> sockets = new ConcurrentHashMap<>();
    private final Simulator simulator;
    private final ConnectionGuard guard;
    private volatile boolean killed;

    private VicinityServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.backend = Backend.open(config, clock);
        VicinityNode n;
        try {
            n = new VicinityNode(config, backend, clock);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        this.node = n;
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.staticFiles.add("/public", Location.CLASSPATH);
            c.routes.get("/health", this::health);
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(node.scrapeMetrics()));
            c.routes.ws("/ws", ws -> {
                ws.onConnect(ctx -> {
                    ctx.session.setIdleTimeout(java.time.Duration.ofMinutes(2));
                    sockets.put(ctx.sessionId(), node.gateway().open(new JettyTransport(ctx), upgradeOf(ctx)));
                });
                ws.onMessage(ctx -> {
                    GatewayConnection gc = sockets.get(ctx.sessionId());
                    if (gc != null && !killed) {
                        node.gateway().onText(gc, ctx.message());
                    }
                });
                ws.onBinaryMessage(ctx -> {
                    GatewayConnection gc = sockets.get(ctx.sessionId());
                    if (gc != null && !killed) {
                        node.gateway().onBinary(gc);
                    }
                });
                ws.onClose(ctx -> {
                    GatewayConnection gc = sockets.remove(ctx.sessionId());
                    if (gc != null && !killed) {
                        node.gateway().onClosed(gc, ctx.status(), ctx.reason());
                    }
                });
                ws.onError(ctx -> {
                    GatewayConnection gc = sockets.remove(ctx.sessionId());
                    if (gc != null && !killed) {
                        node.gateway().onTransportError(gc, ctx.error());
                    }
                });
            });
        });
        this.guard = new ConnectionGuard(config.guards().headerTimeout(), config.guards().maxConnectionsPerAddress());
        try {
            app.start(config.host(), config.port());
            for (Connector c : app.jettyServer().server().getConnectors()) {
                c.addEventListener(guard);
            }
        } catch (RuntimeException e) {
            guard.close();
            node.close();
            backend.close();
            throw e;
        }
        this.simulator = config.simulate() > 0
                ? new Simulator(node, config.simulate(), config.centerLat(), config.centerLon(), clock, 42)
                : null;
    }

    /** Opens the backend, wires the node, starts the HTTP server (and the simulator). */
    public static VicinityServer start(ServerConfig config, Clock clock) {
        return new VicinityServer(Objects.requireNonNull(config, "config"), Objects.requireNonNull(clock, "clock"));
    }

    /** The port actually bound (useful with {@code --port 0}). */
    public int port() {
        return app.port();
    }

    /** The page's address on this machine. */
    public String url() {
        return "http://localhost:" + port() + "/";
    }

    /** The node behind this server. */
    public VicinityNode node() {
        return node;
    }

    /** The configuration in force. */
    public ServerConfig config() {
        return config;
    }

    private void health(Context ctx) {
        HealthReport h = HealthReport.of(node, config, sockets.size());
        ctx.status(h.up() ? 200 : 503).contentType("application/json").result(h.json());
    }

    /**
     * Simulates a crash of this node (kill -9) as far as a process can do it to itself: maintenance
     * stops, every TCP connection is cut without a WebSocket close frame (clients see 1006), the
     * gateway is never told (no detach, no lease release, no resume ticket written), and the backend's
     * connections are dropped. Shared state in Redis and PostgreSQL stays exactly as it was.
     */
    public void kill() {
        killed = true;
        if (simulator != null) {
            simulator.close();
        }
        node.abandon();
        for (Connector c : app.jettyServer().server().getConnectors()) {
            c.getConnectedEndPoints().forEach(org.eclipse.jetty.io.EndPoint::close);
        }
        app.stop();
        guard.close();
        backend.close();
    }

    /** Clean shutdown: connections are detached (resumable on another node), then everything stops. */
    @Override
    public void close() {
        if (killed) {
            return;
        }
        killed = true;
        if (simulator != null) {
            simulator.close();
        }
        node.close();
        app.stop();
        guard.close();
        backend.close();
    }

    /**
     * What the authenticator may look at from the HTTP upgrade: every header (multi-valued), the
     * cookies, the peer's IP address and Jetty's principal (none here; a host with HTTP authentication
     * has one). Behind a trusted proxy a host would take the address from its forwarding header instead.
     */
    private static UpgradeRequest upgradeOf(WsContext ctx) {
        try {
            org.eclipse.jetty.websocket.api.UpgradeRequest http = ctx.session.getUpgradeRequest();
            UpgradeRequest.Builder b = UpgradeRequest.builder().headers(http.getHeaders());
            for (HttpCookie cookie : http.getCookies()) {
                b.cookie(cookie.getName(), cookie.getValue());
            }
            if (ctx.session.getRemoteSocketAddress() instanceof InetSocketAddress remote && remote.getAddress() != null) {
                b.remoteAddress(remote.getAddress().getHostAddress());
            }
            if (http.getUserPrincipal() != null) {
                b.hostPrincipal(http.getUserPrincipal());
            }
            return b.build();
        } catch (RuntimeException e) {
            LOG.debug("could not read the upgrade request of {}; authenticating without it", ctx.sessionId(), e);
            return UpgradeRequest.empty();
        }
    }

    /** Adapts a Javalin/Jetty WebSocket to the gateway's {@link Transport}: asynchronous, non-blocking sends. */
    private static final class JettyTransport implements Transport {
        private final Session session;
        private final String remote;

        JettyTransport(WsContext ctx) {
            this.session = ctx.session;
            this.remote = String.valueOf(session.getRemoteSocketAddress());
        }

        @Override
        public CompletionStage<?> send(String text) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (!session.isOpen()) {
                done.completeExceptionally(new IllegalStateException("socket closed"));
                return done;
            }
            session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
            return done;
        }

        @Override
        public void close(int status, String reason) {
            if (session.isOpen()) {
                session.close(status, reason, Callback.NOOP);
                // A peer that reads nothing (a slow consumer) never takes a close frame queued behind its
                // unread data: after a second, end the connection without it and free what is buffered.
                // (isOpen() is already false once the close is started; disconnect() of an ended session does nothing.)
                CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS).execute(session::disconnect);
            }
        }

        @Override
        public String remoteAddress() {
            return remote;
        }
    }

    /**
     * Runs the server until the process is stopped; prints the page's URL. Flags and environment
     * variables are described by {@code --help}.
     */
    @SuppressWarnings("java:S106") // a command-line entry point prints its usage and URL
    public static void main(String[] args) throws InterruptedException {
        ServerConfig config = ServerConfig.fromCommandLine(args);
        if (config == null) {
            return;
        }
        VicinityServer server = start(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "vicinity-shutdown"));
        LOG.info("node {} on {} backend", config.node().value(), server.node().backendName());
        System.out.println();
        System.out.println("  Vicinity demo is running: open " + server.url()
                + (config.simulate() > 0 ? "  (" + config.simulate() + " simulated neighbours)" : ""));
        System.out.println("  health: " + server.url() + "health   metrics: " + server.url() + "metrics");
        System.out.println();
        stopped.await();
    }
}
