package dev.vicinity.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One connection held by a {@link ConnectionRegistry}: its state, transport handle, lease and resume
 * token. Every mutable field is read and written only while holding {@link #lock}.
 *
 * <p>The lock is a {@link ReentrantLock} and not a monitor because it spans the presence-store and
 * resume-store calls that must stay ordered per connection (see {@link ConnectionRegistry}); a virtual
 * thread blocked in I/O inside {@code synchronized} would pin its carrier thread. Not API.
 */
final class ConnectionEntry {
    final ConnectionId id;
    final ReentrantLock lock = new ReentrantLock();
    ConnectionState state = ConnectionState.CONNECTING;
    @Nullable ConnectionHandle handle;
    @Nullable UserId user;
    @Nullable DeviceId device;
    @Nullable Lease lease;
    @Nullable String token;
    Instant since;
    @Nullable Instant deadline;
    @Nullable Instant lastSeen;

    ConnectionEntry(ConnectionId id, ConnectionHandle handle, Instant now, @Nullable Instant deadline) {
        this.id = id;
        this.handle = handle;
        this.since = now;
        this.deadline = deadline;
    }

    /**
     * Renews the lease or re-acquires it if it lapsed; call with the lock held.
     *
     * @return false if a newer connection of the same (user, device) holds a lease (this one was replaced)
     */
    boolean refreshLease(PresenceService presence) {
        // only called for authenticated (OPEN or DETACHED) connections: lease, user and device are set
        Lease lease = Objects.requireNonNull(this.lease, "lease");
        UserId user = Objects.requireNonNull(this.user, "user");
        DeviceId device = Objects.requireNonNull(this.device, "device");
        Optional<Lease> renewed = presence.heartbeat(lease);
        if (renewed.isPresent()) {
            this.lease = renewed.get();
            return true;
        }
        for (Lease other : presence.liveLeases(user)) {
            if (other.device().equals(device) && !other.connection().equals(id)
                    && other.generation() > lease.generation()) {
                return false;
            }
        }
        this.lease = presence.connect(user, device, id).lease();
        return true;
    }

    /** A snapshot; call with the lock held. */
    ConnectionInfo info() {
        return new ConnectionInfo(id, state, user, device, lease, since);
    }
}
