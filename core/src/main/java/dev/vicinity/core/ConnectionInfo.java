package dev.vicinity.core;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Snapshot of one connection held by a {@link ConnectionRegistry}.
 *
 * @param connection id
 * @param state current state
 * @param user authenticated user, null while {@code CONNECTING}
 * @param device device, null while {@code CONNECTING}
 * @param lease current presence lease, null while {@code CONNECTING}
 * @param since when the current state began
 */
public record ConnectionInfo(ConnectionId connection, ConnectionState state, @Nullable UserId user, @Nullable DeviceId device,
        @Nullable Lease lease, Instant since) {}
