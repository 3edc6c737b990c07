package dev.vicinity.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A lease renewal that fails while a resume fences an open connection leaves the node's maintenance working. */
class ConnectionRegistryFenceFailureTest {
    private static final UserId ALICE = UserId.of("alice");
    private static final DeviceId PHONE = DeviceId.of("phone");

    private final MutableClock clock = new MutableClock();
    private final InMemoryPresenceStore store = new InMemoryPresenceStore();
    private final AtomicBoolean failRenew = new AtomicBoolean();
    private final PresenceService presence = PresenceService.builder(new FlakyRenew(), NodeId.of("n"))
            .clock(clock).build();
    private final ConnectionRegistry registry = ConnectionRegistry.builder(presence, new InMemoryResumeStore()).build();

    @Test
    void aFailedRenewWhileFencingLeavesADetachedConnectionThatTicksAndExpires() {
        AtomicReference<CloseCode> oldHandleClosed = new AtomicReference<>();
        ConnectionId id = registry.open(oldHandleClosed::set);
        registry.authenticate(id, ALICE, PHONE);
        String token = registry.resumeToken(id).orElseThrow();

        failRenew.set(true);
        assertThatThrownBy(() -> registry.resume(token, code -> { })).isInstanceOf(IllegalStateException.class);
        failRenew.set(false);

        assertThat(registry.info(id)).get().extracting(i -> i.state()).isEqualTo(ConnectionState.DETACHED);
        assertThat(oldHandleClosed.get()).as("the fenced transport is told to close").isEqualTo(CloseCode.TRANSPORT_LOST);
        registry.tick(); // does not throw
        clock.advance(java.time.Duration.ofMinutes(10));
        registry.tick(); // the resume window ended: closed
        assertThat(registry.info(id)).isEmpty();
    }

    private final class FlakyRenew implements PresenceStore {
        @Override
        public Acquired acquire(UserId user, DeviceId device, ConnectionId connection, NodeId node, Instant expiresAt) {
            return store.acquire(user, device, connection, node, expiresAt);
        }

        @Override
        public Optional<Lease> renew(ConnectionId connection, long generation, Instant expiresAt) {
            if (failRenew.get()) {
                throw new IllegalStateException("backend down");
            }
            return store.renew(connection, generation, expiresAt);
        }

        @Override
        public Optional<Removed> release(ConnectionId connection, long generation, Instant offlineAt) {
            return store.release(connection, generation, offlineAt);
        }

        @Override
        public List<Lease> leasesOf(UserId user) {
            return store.leasesOf(user);
        }

        @Override
        public void heartbeatNode(NodeId node, Instant expiresAt) {
            store.heartbeatNode(node, expiresAt);
        }

        @Override
        public SweepResult sweep(Instant now, Instant offlineAt, int limit) {
            return store.sweep(now, offlineAt, limit);
        }
    }
}
