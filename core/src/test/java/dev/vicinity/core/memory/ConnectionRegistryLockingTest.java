package dev.vicinity.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.ConnectionState;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.Lease;
import dev.vicinity.core.MutableClock;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.ResumeStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionRegistry} does its I/O outside the connection's lock: while the resume store removes
 * a token, the presence store releases a lease, or the transport handle of a replaced connection is
 * closed, another thread can still read the connection (it would block if the lock were held).
 */
class ConnectionRegistryLockingTest {
    private static final UserId ALICE = UserId.of("alice");
    private static final DeviceId PHONE = DeviceId.of("phone");

    private final MutableClock clock = new MutableClock();
    private final AtomicReference<Runnable> onRelease = new AtomicReference<>(() -> { });
    private final AtomicReference<Runnable> onRemoveToken = new AtomicReference<>(() -> { });
    private final InMemoryPresenceStore presenceStore = new InMemoryPresenceStore();
    private final InMemoryResumeStore resumeStore = new InMemoryResumeStore();
    private final PresenceService presence = PresenceService.builder(new ReleaseHook(), NodeId.of("n"))
            .clock(clock).build();
    private final ConnectionRegistry registry = ConnectionRegistry.builder(presence, new RemoveHook()).build();

    /** Whether {@code read}, run on another thread, finishes within two seconds; its answer in {@code out}. */
    private static <T> boolean completesElsewhere(Supplier<T> read, AtomicReference<T> out) throws InterruptedException {
        Thread t = new Thread(() -> out.set(read.get()));
        t.start();
        t.join(2_000);
        return !t.isAlive();
    }

    @Test
    void aReplacedConnectionIsClosedAfterTheNewConnectionIsUnlocked() throws Exception {
        AtomicReference<ConnectionId> newer = new AtomicReference<>();
        AtomicReference<Boolean> readable = new AtomicReference<>();
        AtomicReference<Object> seen = new AtomicReference<>();
        ConnectionId older = registry.open(code -> probe(newer.get(), readable, seen));
        registry.authenticate(older, ALICE, PHONE);
        newer.set(registry.open(code -> { }));

        registry.authenticate(newer.get(), ALICE, PHONE); // replaces `older`, whose handle probes `newer`

        assertThat(readable.get()).as("the new connection was readable while the old one was closed").isTrue();
        assertThat(seen.get()).isEqualTo(registry.resumeToken(newer.get()));
        assertThat(registry.info(older)).isEmpty();
        assertThat(registry.info(newer.get())).get().extracting(i -> i.state()).isEqualTo(ConnectionState.OPEN);
    }

    @Test
    void closingReleasesTheLeaseAndRemovesTheTokenOutsideTheLock() throws Exception {
        ConnectionId id = registry.open(code -> { });
        registry.authenticate(id, ALICE, PHONE);
        AtomicReference<Boolean> readableDuringRelease = new AtomicReference<>();
        AtomicReference<Boolean> readableDuringRemove = new AtomicReference<>();
        AtomicReference<Object> seen = new AtomicReference<>();
        onRelease.set(() -> probe(id, readableDuringRelease, seen));
        onRemoveToken.set(() -> probe(id, readableDuringRemove, seen));

        registry.close(id, CloseCode.NORMAL);

        assertThat(readableDuringRemove.get()).isTrue();
        assertThat(readableDuringRelease.get()).isTrue();
        assertThat(registry.info(id)).isEmpty();
        assertThat(presenceStore.leasesOf(ALICE)).isEmpty();
        assertThat(resumeStore.size()).isZero();
    }

    private void probe(ConnectionId id, AtomicReference<Boolean> readable, AtomicReference<Object> seen) {
        try {
            readable.set(completesElsewhere(() -> registry.resumeToken(id), seen));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The in-memory presence store, running a probe inside {@code release}. */
    private final class ReleaseHook implements PresenceStore {
        @Override
        public Acquired acquire(UserId user, DeviceId device, ConnectionId connection, NodeId node, Instant expiresAt) {
            return presenceStore.acquire(user, device, connection, node, expiresAt);
        }

        @Override
        public Optional<Lease> renew(ConnectionId connection, long generation, Instant expiresAt) {
            return presenceStore.renew(connection, generation, expiresAt);
        }

        @Override
        public Optional<Removed> release(ConnectionId connection, long generation, Instant offlineAt) {
            onRelease.get().run();
            return presenceStore.release(connection, generation, offlineAt);
        }

        @Override
        public List<Lease> leasesOf(UserId user) {
            return presenceStore.leasesOf(user);
        }

        @Override
        public void heartbeatNode(NodeId node, Instant expiresAt) {
            presenceStore.heartbeatNode(node, expiresAt);
        }

        @Override
        public SweepResult sweep(Instant now, Instant offlineAt, int limit) {
            return presenceStore.sweep(now, offlineAt, limit);
        }
    }

    /** The in-memory resume store, running a probe inside {@code remove}. */
    private final class RemoveHook implements ResumeStore {
        @Override
        public void put(String token, Ticket ticket, Instant expiresAt) {
            resumeStore.put(token, ticket, expiresAt);
        }

        @Override
        public Optional<Ticket> take(String token, Instant now) {
            return resumeStore.take(token, now);
        }

        @Override
        public void remove(String token) {
            onRemoveToken.get().run();
            resumeStore.remove(token);
        }
    }
}
