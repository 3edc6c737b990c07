package dev.vicinity.core;

import org.jspecify.annotations.Nullable;

/**
 * Result of applying a {@link ConnectionEvent} to a {@link ConnectionState}: either a move or a
 * rejection. Rejections are values, never exceptions, and never silently ignored by the registry:
 * they are reported to the listener.
 */
public sealed interface Transition {

    /** The state before the event. */
    ConnectionState from();

    /** The event was legal; the connection is now in {@code to}. {@code code} is null for non-closing moves. */
    record Moved(ConnectionState from, ConnectionState to, @Nullable CloseCode code) implements Transition {}

    /** The event is not legal in {@code from}; nothing changed. */
    record Rejected(ConnectionState from, ConnectionEvent event, String reason) implements Transition {}

    /** True if this is a {@link Moved}. */
    default boolean moved() {
        return this instanceof Moved;
    }
}
