package dev.vicinity.client;

import org.jspecify.annotations.Nullable;

/**
 * The connection state, reported to {@link VicinityClientListener#onState} on every change.
 *
 * @param status     where the connection is
 * @param reason     why the last socket ended (a close reason such as {@code transport_lost},
 *                   {@code pong_timeout}, or an error code), or null
 * @param closeCode  the WebSocket close status of the last socket, or null
 * @param attempt    reconnect attempts since the last successful handshake (0 when connected)
 * @param retryInMs  while {@code RECONNECTING}: milliseconds until the next attempt, else null
 * @param resumed    while {@code CONNECTED}: whether the connection was resumed rather than a fresh hello
 * @param user       while {@code CONNECTED}: the authenticated user, else null
 */
public record ConnectionState(Status status, @Nullable String reason, @Nullable Integer closeCode, int attempt,
                              @Nullable Long retryInMs, boolean resumed, @Nullable String user) {
    /** The states: {@code IDLE} before connect, {@code STOPPED} final (after close or a stop close code). */
    public enum Status {
        /** Not connected yet; {@code connect()} not called. */
        IDLE,
        /** Opening a socket and handshaking. */
        CONNECTING,
        /** Handshake done; requests flow. */
        CONNECTED,
        /** The socket was lost; waiting to reconnect and resume. */
        RECONNECTING,
        /** Closed for good (closed by the host, or a terminal close code). */
        STOPPED
    }
}
