package dev.vicinity.gateway;

import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionHandle;

/**
 * The registry's handle of one connection id of a {@link GatewayConnection}: when the registry closes
 * or detaches that id, the connection is closed on this node ({@link LocalConnections#closed}). A
 * retired handle (its id was replaced by a resumed one, or the resume that created it failed) does
 * nothing, so a registry entry left behind can never close the socket. Thread-safe.
 */
final class RegistryHandle implements ConnectionHandle {
    private final GatewayConnection c;
    private final LocalConnections local;
    private volatile boolean retired;

    RegistryHandle(GatewayConnection c, LocalConnections local) {
        this.c = c;
        this.local = local;
    }

    /** From now on {@link #close} does nothing. */
    void retire() {
        retired = true;
    }

    @Override
    public void close(CloseCode code) {
        if (!retired && c.markClosed()) {
            local.closed(c, code);
        }
    }
}
