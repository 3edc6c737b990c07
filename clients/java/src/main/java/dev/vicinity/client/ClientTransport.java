package dev.vicinity.client;

import java.net.URI;

/**
 * One WebSocket as the client uses it: text frames out, close. Implementations need not be
 * thread-safe towards several callers (the client calls from one thread at a time) but must deliver
 * the {@link Listener} callbacks one at a time, in order.
 */
public interface ClientTransport {
    /** Sends one text frame; returns false if the socket is not open (the frame was not sent). */
    boolean send(String text);

    /** Starts a close handshake with this status; calling it on a closed socket does nothing. */
    void close(int code, String reason);

    /** What a transport reports; each socket calls {@code onClose} or {@code onError} at most once in the end. */
    interface Listener {
        /** The socket opened. */
        void onOpen();

        /** One complete text frame arrived. */
        void onText(String text);

        /** The socket closed; {@code code} is the WebSocket close status (1006 when none was received). */
        void onClose(int code, String reason);

        /** The socket failed (could not connect, or broke); no more callbacks follow. */
        void onError(Throwable error);
    }

    /** Opens sockets. Thread-safe. */
    @FunctionalInterface
    interface Factory {
        /** Starts opening a socket to {@code uri} and returns at once; the outcome is reported to {@code listener}. */
        ClientTransport open(URI uri, Listener listener);
    }
}
