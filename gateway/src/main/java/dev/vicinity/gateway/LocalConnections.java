package dev.vicinity.gateway;

import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.UserId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of this node: by connection id, attached ones by user (for pushes), and the count per
 * remote address (for the optional cap). Indexing re-checks {@link GatewayConnection#isClosed()} after
 * adding, so a connection closed concurrently is never left in an index. Thread-safe; memory is
 * proportional to open sockets.
 */
final class LocalConnections {
    /** Logs under the facade's name, as before the gateway was split: hosts configure one logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final ConnectionRegistry registry;
    private final FrameModules modules;
    private final int maxConnectionsPerAddress;
    private final Map<ConnectionId, GatewayConnection> byId = new ConcurrentHashMap<>();
    /** Immutable lists, replaced on attach and unlink (rare) so that a push (often) reads without copying. */
    private final Map<UserId, List<GatewayConnection>> byUser = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    LocalConnections(ConnectionRegistry registry, FrameModules modules, int maxConnectionsPerAddress) {
        this.registry = registry;
        this.modules = modules;
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    /**
     * Registers a new socket with the registry ({@code CONNECTING}) and here; if its remote address is
     * over the cap it is closed at once with {@code policy_violation}.
     */
    void open(GatewayConnection c) {
        RegistryHandle handle = newHandle(c);
        ConnectionId id = registry.open(handle);
        c.opened(id, handle);
        index(c);
        if (maxConnectionsPerAddress > 0) {
            String address = String.valueOf(c.transport().remoteAddress());
            int n = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            c.countedFrom(address);
            if (n > maxConnectionsPerAddress) {
                LOG.info("refusing {}: {} connections from {}", c, n - 1, address);
                registry.close(id, CloseCode.POLICY_VIOLATION);
            }
        }
    }

    /** A handle that closes {@code c} on this node when the registry closes or detaches its id. */
    RegistryHandle newHandle(GatewayConnection c) {
        return new RegistryHandle(c, this);
    }

    /** {@code c} now lives under a new id (a resume): re-index it. */
    void moved(GatewayConnection c, ConnectionId from) {
        byId.remove(from, c);
        index(c);
    }

    private void index(GatewayConnection c) {
        ConnectionId id = c.connection();
        byId.put(id, c);
        if (c.isClosed()) {
            byId.remove(id, c);
        }
    }

    /** {@code c} is authenticated: pushes to its user reach it from now on. */
    void attach(GatewayConnection c) {
        Principal p = Objects.requireNonNull(c.principal(), "attached after authentication");
        byUser.compute(p.user(), (u, list) -> {
            if (list == null) {
                return List.of(c);
            }
            if (list.contains(c)) {
                return list;
            }
            List<GatewayConnection> more = new ArrayList<>(list.size() + 1);
            more.addAll(list);
            more.add(c);
            return List.copyOf(more);
        });
        if (c.isClosed()) {
            unlinkUser(c, p);
        }
    }

    private void unlinkUser(GatewayConnection c, Principal p) {
        byUser.computeIfPresent(p.user(), (u, list) -> {
            if (!list.contains(c)) {
                return list;
            }
            List<GatewayConnection> rest = new ArrayList<>(list);
            rest.remove(c);
            return rest.isEmpty() ? null : List.copyOf(rest);
        });
    }

    /**
     * The registry closed or detached {@code c} (already {@linkplain GatewayConnection#markClosed marked
     * closed}, once): forget it, free its address slot, tell the modules, close the transport.
     */
    void closed(GatewayConnection c, CloseCode code) {
        ConnectionId id = c.connection();
        if (id != null) {
            byId.remove(id, c);
        }
        releaseAddress(c);
        Principal p = c.principal();
        if (p != null) {
            unlinkUser(c, p);
        }
        if (c.leavingModules(code)) {
            modules.left(c, code.resumable());
        }
        try {
            c.transport().close(code.websocketStatus(), code.wireName());
        } catch (RuntimeException e) {
            LOG.debug("transport close failed for {}", c, e);
        }
    }

    /** Forgets the connection's address slot once (its socket is closed or being closed). */
    void releaseAddress(GatewayConnection c) {
        if (c.releaseAddressOnce()) {
            perAddress.computeIfPresent(c.address(), (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** Sockets held per remote address (0 when no cap is set). */
    int connectionsFrom(String address) {
        AtomicInteger n = perAddress.get(address);
        return n == null ? 0 : n.get();
    }

    /** Attached connections of {@code user} on this node (an immutable snapshot, not a copy made per call). */
    Collection<GatewayConnection> of(UserId user) {
        return byUser.getOrDefault(user, List.of());
    }

    /** The attached connection with this id on this node, if any. */
    Optional<GatewayConnection> attached(ConnectionId id) {
        GatewayConnection c = byId.get(id);
        return c != null && c.isAttached() ? Optional.of(c) : Optional.empty();
    }
}
