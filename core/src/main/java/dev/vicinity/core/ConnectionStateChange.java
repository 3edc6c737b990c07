package dev.vicinity.core;

import java.time.Instant;

/**
 * One transition of one connection, as reported to {@link VicinityListener#onConnectionStateChanged}.
 *
 * @param connection the connection
 * @param user the authenticated user, or null while {@code CONNECTING}
 * @param previous state before
 * @param current state after
 * @param code the close or detach code, null for moves that do not close or detach
 * @param at when it happened (injected clock)
 */
public record ConnectionStateChange(ConnectionId connection, UserId user, ConnectionState previous,
        ConnectionState current, CloseCode code, Instant at) {}
