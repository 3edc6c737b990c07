package dev.vicinity.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Presence lease of one connection. A user is online while any of their leases is live
 * ({@code expiresAt} after now). {@code generation} increases with every new connection of the same
 * (user, device); cleanup compares it and never removes a newer lease.
 *
 * @param user owner
 * @param device device of the owner
 * @param connection the connection holding the lease
 * @param node the node serving the connection
 * @param generation fencing token per (user, device), strictly increasing
 * @param expiresAt when the lease lapses unless renewed
 */
public record Lease(UserId user, DeviceId device, ConnectionId connection, NodeId node, long generation,
        Instant expiresAt) {

    /**
     * Checks that {@code user}, {@code device}, {@code connection}, {@code node}, {@code expiresAt} are not null.
     * @throws NullPointerException if a required component is null
     */
    public Lease {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether the lease is live at {@code now} (expiry is exclusive). */
    public boolean isLiveAt(Instant now) {
        return expiresAt.isAfter(now);
    }

    /** The same lease with another expiry. */
    public Lease withExpiresAt(Instant newExpiry) {
        return new Lease(user, device, connection, node, generation, newExpiry);
    }
}
