package dev.vicinity.examples.server;

import dev.vicinity.core.InvalidInputException;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.Transport;
import dev.vicinity.gateway.UpgradeRequest;
import dev.vicinity.node.VicinityBackend;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second example host: the same node as {@link VicinityServer} (same flags, same backends, same
 * {@code /ws} protocol and {@code /health}), served by Netty instead of Javalin/Jetty, to show what the
 * gateway costs on a lean transport (docs/benchmarks.md, "WebSocket end to end"). It serves no web page:
 * run {@link VicinityServer} for the demo.
 *
 * <p>How it differs from the Jetty host, on purpose:
 * <ul>
 *   <li>one event loop per core does everything for its sockets: the frame is read, decoded and handed
 *       to {@link Gateway#onText} on the loop thread, with no hand-off to a worker pool;</li>
 *   <li>frames the gateway sends while a loop handles an inbound frame are written without a flush and
 *       flushed once when {@code onText} returns (the sender's {@code ok} and its own copy of a message
 *       leave in one write); a send from any other thread is flushed at once;</li>
 *   <li>a send completes at once while the socket's outbound buffer is under its high-water mark
 *       (64 KiB), else when Netty has written it, so the gateway's slow-consumer bound still applies;</li>
 *   <li>{@code --max-connections-per-address} caps the TCP connections per client address (one over
 *       the cap is closed as it opens); {@code --header-timeout} bounds the time from accepting the TCP connection to the completed
 *       WebSocket upgrade.</li>
 * </ul>
 *
 * <p>The gateway's calls run on the loop threads. That suits the in-memory backend this host is
 * measured on; with PostgreSQL, whose calls block, a host would hand frames to a worker pool or run
 * more loops than cores.
 *
 * <p>Start with {@code java [-Dvicinity.netty.loops=N] -cp vicinity-server.jar
 * dev.vicinity.examples.server.NettyVicinityServer [flags of VicinityServer]} (loops default to one per
 * available processor). Thread-safe.
 */
public final class NettyVicinityServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyVicinityServer.class);
    /** Largest inbound WebSocket message the transport assembles; the gateway's own bound is smaller. */
    private static final int MAX_MESSAGE_BYTES = 1 << 20;
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final ServerConfig config;
    private final VicinityBackend backend;
    private final VicinityNode node;
    private final EventLoopGroup boss;
    private final EventLoopGroup loops;
    private final Channel server;
    private final Map<Channel, GatewayConnection> sockets = new ConcurrentHashMap<>();
    /** Open TCP connections per client address, for {@code --max-connections-per-address}. */
    private final Map<java.net.InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    /** The channels of a loop written to without a flush while it handles an inbound frame. */
    private final FastThreadLocal<Batch> batches = new FastThreadLocal<>() {
        @Override
        protected Batch initialValue() {
            return new Batch();
        }
    };

    private NettyVicinityServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.backend = Backend.open(config, clock);
        try {
            this.node = new VicinityNode(config, backend, clock);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.loops = new MultiThreadIoEventLoopGroup(loopCount(), NioIoHandler.newFactory());
        try {
            ServerBootstrap b = new ServerBootstrap().group(boss, loops).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (!admit(ch)) {
                                ch.close();
                                return;
                            }
                            p.addLast("header-timeout", new ReadTimeoutHandler(
                                    config.guards().headerTimeout().toMillis(), TimeUnit.MILLISECONDS));
                            p.addLast(new HttpServerCodec());
                            p.addLast(new HttpObjectAggregator(64 * 1024));
                            p.addLast(new HealthRoute());
                            p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath("/ws").checkStartsWith(false).allowExtensions(false)
                                    .maxFramePayloadLength(MAX_MESSAGE_BYTES).handleCloseFrames(false)
                                    .handshakeTimeoutMillis(config.guards().headerTimeout().toMillis()).build()));
                            p.addLast(new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
                            p.addLast(new Socket());
                        }
                    });
            this.server = b.bind(config.host(), config.port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutDownLoops();
            node.close();
            backend.close();
            throw e;
        }
    }

    /**
     * Counts {@code ch} against its address's cap ({@code --max-connections-per-address}, 0 = none) and
     * releases it when the channel closes; false when over the cap (the caller closes it at once).
     */
    private boolean admit(SocketChannel ch) {
        int max = config.guards().maxConnectionsPerAddress();
        java.net.InetAddress address = ch.remoteAddress().getAddress();
        if (max == 0 || address == null) {
            return true;
        }
        int n = perAddress.merge(address, 1, Integer::sum);
        ch.closeFuture().addListener(f -> perAddress.computeIfPresent(address, (a, k) -> k <= 1 ? null : k - 1));
        return n <= max;
    }

    /** Event loops: system property {@code vicinity.netty.loops}, default one per available processor. */
    static int loopCount() {
        String v = System.getProperty("vicinity.netty.loops");
        int n = v == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(v.trim());
        if (n < 1 || n > 256) {
            throw new InvalidInputException("invalid_argument", "vicinity.netty.loops must be 1..256, got " + v);
        }
        return n;
    }

    /** Opens the backend, wires the node and starts serving. */
    public static NettyVicinityServer start(ServerConfig config, Clock clock) {
        return new NettyVicinityServer(Objects.requireNonNull(config, "config"), Objects.requireNonNull(clock, "clock"));
    }

    /** The port actually bound (useful with {@code --port 0}). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The node behind this server. */
    public VicinityNode node() {
        return node;
    }

    /** Connections are detached (resumable on another node), then the loops and the backend stop. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        node.close();
        shutDownLoops();
        backend.close();
    }

    private void shutDownLoops() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Channels written to without a flush by one loop thread during one inbound frame. */
    private static final class Batch {
        boolean active;
        final List<Channel> dirty = new ArrayList<>();

        void flush() {
            active = false;
            for (int i = 0; i < dirty.size(); i++) {
                dirty.get(i).flush();
            }
            dirty.clear();
        }
    }

    /** {@code GET /health}: the same answer as the Jetty host's. Everything else goes on to the upgrade. */
    private final class HealthRoute extends SimpleChannelInboundHandler<FullHttpRequest> {
        HealthRoute() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!"/health".equals(req.uri())) {
                ctx.fireChannelRead(req);
                return;
            }
            req.release();
            HealthReport h = HealthReport.of(node, config, sockets.size());
            ByteBuf body = Unpooled.copiedBuffer(h.json(), StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    h.up() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** One WebSocket: its gateway connection lives in this handler (no lookup per frame). */
    private final class Socket extends ChannelInboundHandlerAdapter {
        private GatewayConnection connection;
        private int closeStatus = 1006;
        private String closeReason = "";

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hs) {
                ChannelPipeline p = ctx.pipeline();
                p.remove("header-timeout");
                p.remove(HealthRoute.class);
                // the Jetty host's idle timeout: a socket silent for 2 minutes is closed (clients ping far more often)
                p.addFirst(new IdleStateHandler(0, 0, 120));
                connection = node.gateway().open(new NettyTransport(ctx.channel()), upgradeOf(ctx.channel(), hs.requestHeaders()));
                sockets.put(ctx.channel(), connection);
            } else if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            WebSocketFrame frame = (WebSocketFrame) msg;
            try {
                if (connection == null) {
                    return;
                }
                if (frame instanceof TextWebSocketFrame text) {
                    Batch batch = batches.get();
                    batch.active = true;
                    try {
                        node.gateway().onText(connection, text.text());
                    } finally {
                        batch.flush();
                    }
                } else if (frame instanceof BinaryWebSocketFrame) {
                    node.gateway().onBinary(connection);
                } else if (frame instanceof CloseWebSocketFrame close) {
                    closeStatus = close.statusCode() < 0 ? 1005 : close.statusCode();
                    closeReason = close.reasonText();
                    ctx.writeAndFlush(new CloseWebSocketFrame(closeStatus == 1005 ? 1000 : closeStatus, ""))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            sockets.remove(ctx.channel());
            if (connection != null) {
                node.gateway().onClosed(connection, closeStatus, closeReason);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (connection != null) {
                node.gateway().onTransportError(connection, cause);
            } else {
                LOG.debug("connection from {} failed before the upgrade", ctx.channel().remoteAddress(), cause);
            }
            ctx.close();
        }
    }

    /** What the authenticator may look at: the upgrade's headers, its cookies and the peer's IP address. */
    private static UpgradeRequest upgradeOf(Channel channel, HttpHeaders headers) {
        UpgradeRequest.Builder b = UpgradeRequest.builder();
        Map<String, List<String>> all = new java.util.LinkedHashMap<>();
        for (String name : headers.names()) {
            all.put(name, headers.getAll(name));
        }
        b.headers(all);
        for (String cookieHeader : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(cookieHeader)) {
                b.cookie(c.name(), c.value());
            }
        }
        if (channel.remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null) {
            b.remoteAddress(remote.getAddress().getHostAddress());
        }
        return b.build();
    }

    /**
     * The gateway's side of a Netty channel. Frames keep the order of the {@code send} calls whatever
     * thread makes them: each goes into this transport's queue, and the queue is written out on the
     * channel's loop, at once when the caller is that loop, else by one task. (Netty orders writes per
     * calling thread only: a direct write on the loop could overtake an earlier send handed over from
     * another thread, and a member saw message 29 before 28.)
     */
    /** How long a closing socket may take to send its close frame before it is closed without it. */
    private static final long CLOSE_GRACE_MS = 1_000;

    private final class NettyTransport implements Transport {
        private final Channel channel;
        private final String remote;
        private final Queue<Outgoing> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean drainPending = new AtomicBoolean();

        NettyTransport(Channel channel) {
            this.channel = channel;
            this.remote = String.valueOf(channel.remoteAddress());
        }

        @Override
        public CompletionStage<?> send(String text) {
            if (!channel.isActive()) {
                return CompletableFuture.failedFuture(new IllegalStateException("socket closed"));
            }
            // Above the high-water mark the stage completes when Netty has written the frame, so the
            // gateway's count of frames in flight grows and a slow consumer is detached.
            CompletableFuture<Void> done = channel.isWritable() ? null : new CompletableFuture<>();
            enqueue(new Outgoing(new TextWebSocketFrame(text), done, 0, ""));
            return done == null ? DONE : done;
        }

        @Override
        public void close(int status, String reason) {
            if (channel.isActive()) {
                enqueue(new Outgoing(null, null, status, reason));
            }
        }

        private void enqueue(Outgoing o) {
            queue.add(o);
            if (channel.eventLoop().inEventLoop()) {
                drain();
            } else if (drainPending.compareAndSet(false, true)) {
                channel.eventLoop().execute(() -> {
                    drainPending.set(false);
                    drain();
                });
            }
        }

        /** On the loop: writes what is queued, in order; flushes now, or once the inbound frame is handled. */
        private void drain() {
            boolean wrote = false;
            Outgoing o;
            while ((o = queue.poll()) != null) {
                wrote = true;
                if (o.frame == null) {
                    channel.writeAndFlush(new CloseWebSocketFrame(o.status, o.reason)).addListener(ChannelFutureListener.CLOSE);
                    // A peer that reads nothing (a slow consumer) never takes a close frame queued behind
                    // its unread data: end the socket anyway, and free what is buffered for it.
                    channel.eventLoop().schedule(() -> {
                        if (channel.isOpen()) {
                            channel.close();
                        }
                    }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
                    continue;
                }
                CompletableFuture<Void> done = o.done;
                if (done == null) {
                    channel.write(o.frame, channel.voidPromise());
                } else {
                    channel.write(o.frame).addListener(r -> {
                        if (r.isSuccess()) {
                            done.complete(null);
                        } else {
                            done.completeExceptionally(r.cause());
                        }
                    });
                }
            }
            if (!wrote) {
                return;
            }
            Batch batch = batches.get();
            if (batch.active) {
                if (!batch.dirty.contains(channel)) {
                    batch.dirty.add(channel);
                }
            } else {
                channel.flush();
            }
        }

        @Override
        public String remoteAddress() {
            return remote;
        }
    }

    /** A frame to write (with the stage to complete once written, or null), or a close (frame null). */
    private record Outgoing(@org.jspecify.annotations.Nullable TextWebSocketFrame frame,
            @org.jspecify.annotations.Nullable CompletableFuture<Void> done, int status, String reason) {}

    /** Runs the Netty host until the process is stopped. Same flags as {@link VicinityServer#main}. */
    @SuppressWarnings("java:S106") // a command-line entry point prints its usage and address
    public static void main(String[] args) throws InterruptedException {
        ServerConfig config = ServerConfig.fromCommandLine(args);
        if (config == null) {
            return;
        }
        NettyVicinityServer server = start(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "vicinity-shutdown"));
        System.out.println("Vicinity (Netty host) on ws://" + config.host() + ":" + server.port() + "/ws, backend "
                + server.node().backendName());
        stopped.await();
    }
}
