package dev.vicinity.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ConnectionRegistry} tick must do, decided under each connection's lock and acted on
 * after it (the registry does the I/O): connections whose authentication deadline passed, open ones
 * silent past the heartbeat timeout, detached ones whose resume window ended, and leases to renew.
 * Not thread-safe (one per tick). Not API.
 */
final class DueConnections {
    final List<ConnectionId> authExpired = new ArrayList<>();
    final List<ConnectionId> silent = new ArrayList<>();
    final List<ConnectionId> resumeExpired = new ArrayList<>();
    final List<ConnectionEntry> renew = new ArrayList<>();

    /** Scans {@code entries} at {@code now}; a lease expiring before {@code renewBefore} is renewed. */
    static DueConnections scan(Collection<ConnectionEntry> entries, Instant now, Instant renewBefore,
                               Duration heartbeatTimeout) {
        DueConnections due = new DueConnections();
        for (ConnectionEntry e : entries) {
            e.lock.lock();
            try {
                due.add(e, now, renewBefore, heartbeatTimeout);
            } finally {
                e.lock.unlock();
            }
        }
        return due;
    }

    private void add(ConnectionEntry e, Instant now, Instant renewBefore, Duration heartbeatTimeout) {
        if ((e.state == ConnectionState.OPEN || e.state == ConnectionState.DETACHED) && e.lease != null
                && e.lease.expiresAt().isBefore(renewBefore)) {
            renew.add(e);
        }
        switch (e.state) {
            case CONNECTING -> {
                if (e.deadline != null && !now.isBefore(e.deadline)) {
                    authExpired.add(e.id);
                }
            }
            case OPEN -> {
                if (!now.isBefore(Objects.requireNonNull(e.lastSeen, "OPEN has lastSeen").plus(heartbeatTimeout))) {
                    silent.add(e.id);
                }
            }
            case DETACHED -> {
                if (e.deadline != null && !now.isBefore(e.deadline)) {
                    resumeExpired.add(e.id);
                }
            }
            default -> { }
        }
    }
}
