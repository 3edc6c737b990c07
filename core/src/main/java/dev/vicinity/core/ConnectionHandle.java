package dev.vicinity.core;

/**
 * The host's side of one connection, as far as {@link ConnectionRegistry} needs it: a way to close
 * the transport. Implementations must tolerate being closed when the transport is already gone, must
 * not block, and must be safe to call from any thread.
 */
@FunctionalInterface
public interface ConnectionHandle {

    /** Closes the transport with {@code code} (send {@link CloseCode#websocketStatus()} and its wire name). */
    void close(CloseCode code);
}
