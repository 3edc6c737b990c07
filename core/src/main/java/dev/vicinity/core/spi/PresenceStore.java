package dev.vicinity.core.spi;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.Lease;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;

/**
 * Storage primitives for presence leases, shared by every node of a deployment. The algorithm
 * (TTLs, grace, events) lives once in {@link dev.vicinity.core.PresenceService}; a store only has to
 * make each method atomic.
 *
 * <p>Per-user presence status is kept next to the leases so that "came online" and "went offline"
 * are each decided exactly once across all nodes: a user is {@code ONLINE} while they have a lease,
 * {@code PENDING_OFFLINE} from the removal of their last lease until the grace deadline given with
 * that removal, and absent (offline) after a sweep reported them offline.
 *
 * <p>Times are passed in by the caller (from its injected clock); a store never reads a clock of its
 * own. Implementations must be thread-safe and every method must be atomic with respect to the others
 * (a lock in memory, a transaction in SQL, a Lua script in Redis).
 */
public interface PresenceStore {

    /**
     * Creates a lease for {@code connection} with the next generation for (user, device) and removes,
     * in the same atomic step, every other lease of the same (user, device) (they are returned as
     * {@link Acquired#replaced()}). If the user had no lease and was not pending offline,
     * {@link Acquired#cameOnline()} is true; a pending offline is cancelled.
     *
     * @throws IllegalStateException if {@code connection} already holds a lease
     */
    Acquired acquire(UserId user, DeviceId device, ConnectionId connection, NodeId node, Instant expiresAt);

    /**
     * Moves the expiry of the lease of {@code connection} to {@code expiresAt} if it exists and still
     * has {@code generation}. Does not resurrect a removed lease.
     *
     * @return the renewed lease, or empty if it was removed or replaced meanwhile
     */
    Optional<Lease> renew(ConnectionId connection, long generation, Instant expiresAt);

    /**
     * Removes the lease of {@code connection} if it still has {@code generation}. If it was the user's
     * last lease, the user becomes pending offline until {@code offlineAt}.
     *
     * @return what was removed, or empty if nothing matched (already removed or replaced)
     */
    Optional<Removed> release(ConnectionId connection, long generation, Instant offlineAt);

    /** All leases currently stored for {@code user}, live or not yet swept. */
    List<Lease> leasesOf(UserId user);

    /**
     * The stored leases of each of {@code users}, live or not yet swept, as one read: every requested
     * user is a key of the result (with an empty list when they have none). Answer it in one backend
     * round trip where the backend allows (the default asks {@link #leasesOf(UserId)} once per user).
     * Need not be atomic across users.
     */
    default Map<UserId, List<Lease>> leasesOf(Collection<UserId> users) {
        Map<UserId, List<Lease>> result = new HashMap<>(Math.max(4, users.size() * 2));
        for (UserId u : users) {
            result.put(u, leasesOf(u));
        }
        return result;
    }

    /**
     * Which of {@code users} hold a lease live at {@code now} (expiring after it), as one read: what
     * {@code PresenceService.onlineAmong} asks for a nearby query's distance bucket. Answer it in one
     * backend round trip where the backend allows; the default reads {@link #leasesOf(Collection)}.
     * Need not be atomic across users.
     */
    default Set<UserId> liveAmong(Collection<UserId> users, Instant now) {
        Set<UserId> live = new HashSet<>();
        for (Map.Entry<UserId, List<Lease>> e : leasesOf(users).entrySet()) {
            for (Lease l : e.getValue()) {
                if (l.isLiveAt(now)) {
                    live.add(e.getKey());
                    break;
                }
            }
        }
        return live;
    }

    /** Records that {@code node} is alive until {@code expiresAt}. */
    void heartbeatNode(NodeId node, Instant expiresAt);

    /**
     * Removes up to {@code limit} leases that expired at or before {@code now} plus every lease of a
     * node whose heartbeat expired at or before {@code now} (a dead node's record is dropped once its
     * leases are gone), marking users whose last lease went as pending offline until
     * {@code offlineAt}; then clears and reports every pending-offline user whose deadline is at or
     * before {@code now}. Each removal and each offline user is reported to exactly one caller, even
     * when several nodes sweep at once.
     */
    SweepResult sweep(Instant now, Instant offlineAt, int limit);

    /**
     * Result of {@link #acquire}.
     *
     * @param lease the new lease
     * @param replaced older leases of the same (user, device) removed by this acquire
     * @param cameOnline true if the user was offline (not merely pending offline) before
     */
    record Acquired(Lease lease, List<Lease> replaced, boolean cameOnline) {
        /**
         * Checks that {@code lease} is not null and keeps an immutable copy of {@code replaced}.
         * @throws NullPointerException if a required component is null
         */
        public Acquired {
            Objects.requireNonNull(lease, "lease");
            replaced = List.copyOf(replaced);
        }
    }

    /**
     * One removed lease.
     *
     * @param lease what was removed
     * @param lastOfUser true if the user has no lease left and is now pending offline
     */
    record Removed(Lease lease, boolean lastOfUser) {}

    /**
     * Result of {@link #sweep}.
     *
     * @param expired leases removed because their own expiry passed
     * @param purged leases removed because their node's heartbeat expired
     * @param wentOffline users whose grace period ended without a new lease: now offline
     */
    record SweepResult(List<Removed> expired, List<Removed> purged, List<UserId> wentOffline) {
        /** Keeps an immutable copy of {@code expired}, {@code purged}, {@code wentOffline}. */
        public SweepResult {
            expired = List.copyOf(expired);
            purged = List.copyOf(purged);
            wentOffline = List.copyOf(wentOffline);
        }
    }
}
