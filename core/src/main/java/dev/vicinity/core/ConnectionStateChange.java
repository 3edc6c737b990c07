package dev.vicinity.core;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One transition of one connection, as reported to {@link VicinityListener#onConnectionStateChanged}.
 *
 * @param connection the connection
 * @param user the authenticated user, or null while {@code CONNECTING}
 * @param previous state before, null for the first report of a connection (opened in {@code CONNECTING})
 * @param current state after
 * @param code the close or detach code, null for moves that do not close or detach
 * @param at when it happened (injected clock)
 */
public record ConnectionStateChange(ConnectionId connection, @Nullable UserId user, @Nullable ConnectionState previous,
        ConnectionState current, @Nullable CloseCode code, Instant at) {}
