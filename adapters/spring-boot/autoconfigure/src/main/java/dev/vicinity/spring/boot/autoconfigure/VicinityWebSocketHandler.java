package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.UpgradeRequest;
import dev.vicinity.node.Vicinity;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * Forwards Spring WebSocket sessions to a {@link Vicinity} node: a new session is opened on the gateway with
 * its upgrade request (headers, cookies, remote address, the servlet principal), text frames go to
 * {@code onText}, binary frames to {@code onBinary}, pongs to {@code onHeartbeat}, close and transport
 * errors to {@code onClosed}/{@code onTransportError} (once per session). Outbound frames are written by
 * {@link SessionTransport} on a small pool of send threads, shut down when the context closes (after the
 * node). Thread-safe; Spring delivers one session's messages one at a time.
 */
public class VicinityWebSocketHandler extends AbstractWebSocketHandler implements DisposableBean {
    private static final Logger LOG = LoggerFactory.getLogger(VicinityWebSocketHandler.class);

    private final Vicinity vicinity;
    private final ExecutorService sendThreads;
    private final Map<String, GatewayConnection> connections = new ConcurrentHashMap<>();

    /** A handler for {@code vicinity} writing frames on {@code sendThreads} daemon threads. */
    public VicinityWebSocketHandler(Vicinity vicinity, int sendThreads) {
        if (sendThreads < 1) {
            throw new IllegalArgumentException("vicinity.websocket.send-threads must be >= 1, got " + sendThreads);
        }
        this.vicinity = vicinity;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(sendThreads, sendThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "vicinity-ws-send-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.sendThreads = pool;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        int maxChars = 2 * vicinity.gateway().limits().maxFrameBytes();
        // Room for any frame within maxFrameBytes (chars <= UTF-8 bytes), so the gateway answers an oversized
        // frame itself instead of the container closing the socket (Tomcat's default buffer is 8 KiB).
        if (session.getTextMessageSizeLimit() < maxChars) {
            session.setTextMessageSizeLimit(maxChars);
        }
        connections.put(session.getId(), vicinity.open(new SessionTransport(session, sendThreads), upgradeOf(session)));
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        GatewayConnection c = connections.get(session.getId());
        if (c != null) {
            vicinity.onText(c, message.getPayload());
        }
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
        GatewayConnection c = connections.get(session.getId());
        if (c != null) {
            vicinity.onBinary(c);
        }
    }

    @Override
    protected void handlePongMessage(WebSocketSession session, PongMessage message) {
        GatewayConnection c = connections.get(session.getId());
        if (c != null) {
            vicinity.onHeartbeat(c);
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        GatewayConnection c = connections.remove(session.getId());
        if (c != null) {
            vicinity.onTransportError(c, exception);
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        GatewayConnection c = connections.remove(session.getId());
        if (c != null) {
            vicinity.onClosed(c, status.getCode(), status.getReason() == null ? "" : status.getReason());
        }
    }

    /** Open sessions known to this handler. */
    public int openSessions() {
        return connections.size();
    }

    @Override
    public void destroy() throws InterruptedException {
        sendThreads.shutdown();
        if (!sendThreads.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("Vicinity's WebSocket send threads did not stop within 5 s");
            sendThreads.shutdownNow();
        }
    }

    static UpgradeRequest upgradeOf(WebSocketSession session) {
        try {
            UpgradeRequest.Builder b = UpgradeRequest.builder();
            HttpHeaders headers = session.getHandshakeHeaders();
            Map<String, List<String>> copy = new LinkedHashMap<>();
            headers.forEach((name, values) -> copy.put(name, new ArrayList<>(values)));
            b.headers(copy);
            for (String cookieHeader : headers.getOrEmpty(HttpHeaders.COOKIE)) {
                for (String pair : cookieHeader.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        b.cookie(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                    }
                }
            }
            InetSocketAddress remote = session.getRemoteAddress();
            if (remote != null && remote.getAddress() != null) {
                b.remoteAddress(remote.getAddress().getHostAddress());
            }
            if (session.getPrincipal() != null) {
                b.hostPrincipal(session.getPrincipal());
            }
            return b.build();
        } catch (RuntimeException e) {
            LOG.debug("could not read the upgrade request of {}; authenticating without it", session.getId(), e);
            return UpgradeRequest.empty();
        }
    }

}
