package dev.vicinity.gateway;

import java.util.concurrent.CompletionStage;

/**
 * The host's side of one WebSocket connection. Implementations wrap the host server's session
 * object (Jetty {@code Session}, Javalin {@code WsContext}, Netty {@code Channel}...).
 *
 * <p>All methods must be thread-safe and must not block: the gateway calls them from request threads
 * and event bus threads.
 */
public interface Transport {

    /**
     * Sends one text frame. Returns a stage that completes when the frame was written (or failed);
     * a host whose send is synchronous returns a completed stage. The gateway counts frames in flight
     * and detaches a connection whose backlog exceeds its bound (a slow consumer) instead of queueing
     * without bound.
     */
    CompletionStage<?> send(String text);

    /**
     * Closes the WebSocket with {@code status} and {@code reason}; must tolerate an already closed socket,
     * and must end the connection within a short, bounded time even when the peer reads nothing (a slow
     * consumer is detached this way: a close frame queued behind its unread data would never leave, so
     * end the socket without it after a grace period; frames still queued may be dropped). The example
     * hosts give it one second (tested with a client that reads nothing, on both).
     */
    void close(int status, String reason);

    /** The peer's address for logs (e.g. {@code 203.0.113.7:51234}); never used for decisions. */
    String remoteAddress();
}
