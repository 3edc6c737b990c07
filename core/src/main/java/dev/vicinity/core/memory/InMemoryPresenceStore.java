package dev.vicinity.core.memory;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.Lease;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.PresenceStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reference {@link PresenceStore} in the heap of one process: several {@code PresenceService}s (one
 * per simulated node) may share one instance.
 *
 * <p>Thread-safe: every method runs under one lock, which makes each atomic as the SPI requires.
 * Presence traffic (connects, heartbeats every few seconds per connection) is far below what one lock
 * serves. Costs: acquire, renew and release O(log n); sweep O(log n) per removed lease. Memory is
 * proportional to live leases and pending-offline users only: generations come from one store-wide
 * counter, so they are strictly increasing per (user, device) without keeping state per device.
 */
public final class InMemoryPresenceStore implements PresenceStore {

    private static final Comparator<Lease> BY_EXPIRY =
            Comparator.comparing(Lease::expiresAt).thenComparing(Lease::connection);

    private final Object lock = new Object();
    private final Map<ConnectionId, Lease> byConnection = new HashMap<>();
    private final Map<UserId, Set<ConnectionId>> byUser = new HashMap<>();
    private final Map<NodeId, Set<ConnectionId>> byNode = new HashMap<>();
    private final TreeSet<Lease> byExpiry = new TreeSet<>(BY_EXPIRY);
    private final Map<NodeId, Instant> nodeExpiry = new HashMap<>();
    private final Map<UserId, Instant> pendingOffline = new HashMap<>();
    private final TreeMap<Instant, Set<UserId>> pendingByDeadline = new TreeMap<>();
    private long generationCounter;

    @Override
    public Acquired acquire(UserId user, DeviceId device, ConnectionId connection, NodeId node, Instant expiresAt) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(expiresAt, "expiresAt");
        synchronized (lock) {
            if (byConnection.containsKey(connection)) {
                throw new IllegalStateException("connection " + connection + " already holds a lease");
            }
            List<Lease> replaced = new ArrayList<>();
            Set<ConnectionId> mine = byUser.get(user);
            if (mine != null) {
                for (ConnectionId c : List.copyOf(mine)) {
                    Lease l = Objects.requireNonNull(byConnection.get(c)); // the indexes agree under the lock
                    if (l.device().equals(device)) {
                        removeLease(l);
                        replaced.add(l);
                    }
                }
            }
            boolean hadLeases = byUser.containsKey(user);
            boolean wasPending = cancelPending(user);
            Lease lease = new Lease(user, device, connection, node, ++generationCounter, expiresAt);
            addLease(lease);
            return new Acquired(lease, replaced, !hadLeases && !wasPending && replaced.isEmpty());
        }
    }

    @Override
    public Optional<Lease> renew(ConnectionId connection, long generation, Instant expiresAt) {
        synchronized (lock) {
            Lease l = byConnection.get(connection);
            if (l == null || l.generation() != generation) {
                return Optional.empty();
            }
            byExpiry.remove(l);
            Lease renewed = l.withExpiresAt(expiresAt);
            byConnection.put(connection, renewed);
            byExpiry.add(renewed);
            return Optional.of(renewed);
        }
    }

    @Override
    public Optional<Removed> release(ConnectionId connection, long generation, Instant offlineAt) {
        synchronized (lock) {
            Lease l = byConnection.get(connection);
            if (l == null || l.generation() != generation) {
                return Optional.empty();
            }
            return Optional.of(removeAndMark(l, offlineAt));
        }
    }

    @Override
    public List<Lease> leasesOf(UserId user) {
        synchronized (lock) {
            Set<ConnectionId> mine = byUser.get(user);
            if (mine == null) {
                return List.of();
            }
            List<Lease> result = new ArrayList<>(mine.size());
            for (ConnectionId c : mine) {
                result.add(byConnection.get(c));
            }
            return result;
        }
    }

    /** One lock for the whole batch. */
    @Override
    public Map<UserId, List<Lease>> leasesOf(Collection<UserId> users) {
        Map<UserId, List<Lease>> result = new HashMap<>(Math.max(4, users.size() * 2));
        synchronized (lock) {
            for (UserId u : users) {
                Set<ConnectionId> mine = byUser.get(u);
                if (mine == null) {
                    result.put(u, List.of());
                } else {
                    List<Lease> leases = new ArrayList<>(mine.size());
                    for (ConnectionId c : mine) {
                        leases.add(byConnection.get(c));
                    }
                    result.put(u, leases);
                }
            }
        }
        return result;
    }

    /** One lock for the whole batch; nothing is allocated for users without a lease. */
    @Override
    public Set<UserId> liveAmong(Collection<UserId> users, Instant now) {
        Set<UserId> live = new HashSet<>();
        synchronized (lock) {
            for (UserId u : users) {
                Set<ConnectionId> mine = byUser.get(u);
                if (mine != null) {
                    for (ConnectionId c : mine) {
                        if (Objects.requireNonNull(byConnection.get(c)).isLiveAt(now)) {
                            live.add(u);
                            break;
                        }
                    }
                }
            }
        }
        return live;
    }

    @Override
    public void heartbeatNode(NodeId node, Instant expiresAt) {
        synchronized (lock) {
            nodeExpiry.merge(node, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    @Override
    public SweepResult sweep(Instant now, Instant offlineAt, int limit) {
        synchronized (lock) {
            List<Removed> expired = new ArrayList<>();
            while (!byExpiry.isEmpty() && expired.size() < limit && !byExpiry.first().isLiveAt(now)) {
                expired.add(removeAndMark(byExpiry.first(), offlineAt));
            }
            List<Removed> purged = new ArrayList<>();
            for (Iterator<Map.Entry<NodeId, Instant>> it = nodeExpiry.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<NodeId, Instant> node = it.next();
                if (node.getValue().isAfter(now)) {
                    continue;
                }
                Set<ConnectionId> leases = byNode.get(node.getKey());
                if (leases != null) {
                    for (ConnectionId c : List.copyOf(leases)) {
                        purged.add(removeAndMark(Objects.requireNonNull(byConnection.get(c)), offlineAt));
                    }
                }
                it.remove();
            }
            List<UserId> wentOffline = new ArrayList<>();
            while (!pendingByDeadline.isEmpty() && !pendingByDeadline.firstKey().isAfter(now)) {
                for (UserId u : pendingByDeadline.pollFirstEntry().getValue()) {
                    pendingOffline.remove(u);
                    wentOffline.add(u);
                }
            }
            return new SweepResult(expired, purged, wentOffline);
        }
    }

    /** Number of stored leases (for tests and gauges). */
    public int leaseCount() {
        synchronized (lock) {
            return byConnection.size();
        }
    }

    private Removed removeAndMark(Lease l, Instant offlineAt) {
        removeLease(l);
        boolean last = !byUser.containsKey(l.user());
        if (last) {
            pendingOffline.put(l.user(), offlineAt);
            pendingByDeadline.computeIfAbsent(offlineAt, k -> new LinkedHashSet<>()).add(l.user());
        }
        return new Removed(l, last);
    }

    private boolean cancelPending(UserId user) {
        Instant deadline = pendingOffline.remove(user);
        if (deadline == null) {
            return false;
        }
        Set<UserId> set = Objects.requireNonNull(pendingByDeadline.get(deadline));
        set.remove(user);
        if (set.isEmpty()) {
            pendingByDeadline.remove(deadline);
        }
        return true;
    }

    private void addLease(Lease l) {
        byConnection.put(l.connection(), l);
        byUser.computeIfAbsent(l.user(), k -> new LinkedHashSet<>()).add(l.connection());
        byNode.computeIfAbsent(l.node(), k -> new LinkedHashSet<>()).add(l.connection());
        byExpiry.add(l);
    }

    private void removeLease(Lease l) {
        byConnection.remove(l.connection());
        byExpiry.remove(l);
        removeFrom(byUser, l.user(), l.connection());
        removeFrom(byNode, l.node(), l.connection());
    }

    private static <K> void removeFrom(Map<K, Set<ConnectionId>> index, K key, ConnectionId c) {
        Set<ConnectionId> set = index.get(key);
        if (set != null) {
            set.remove(c);
            if (set.isEmpty()) {
                index.remove(key);
            }
        }
    }
}
