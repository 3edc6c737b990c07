package dev.vicinity.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.ConnectionState;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.MutableClock;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.ResumeStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A resume-token write that fails during authentication leaves the connection as it was, so a retry succeeds. */
class ConnectionRegistryAuthFailureTest {
    private final MutableClock clock = new MutableClock();
    private final InMemoryPresenceStore store = new InMemoryPresenceStore();
    private final InMemoryResumeStore tokens = new InMemoryResumeStore();
    private final AtomicBoolean putFails = new AtomicBoolean();
    private final PresenceService presence = PresenceService.builder(store, NodeId.of("n")).clock(clock).build();
    private final ConnectionRegistry registry = ConnectionRegistry.builder(presence, new ResumeStore() {
        @Override
        public void put(String token, Ticket ticket, Instant expiresAt) {
            if (putFails.get()) {
                throw new IllegalStateException("resume store down");
            }
            tokens.put(token, ticket, expiresAt);
        }

        @Override
        public Optional<Ticket> take(String token, Instant now) {
            return tokens.take(token, now);
        }

        @Override
        public void remove(String token) {
            tokens.remove(token);
        }
    }).build();

    @Test
    void aFailedTokenWriteLeavesNoLeaseAndTheRetrySucceeds() {
        ConnectionId id = registry.open(code -> { });
        putFails.set(true);
        assertThatThrownBy(() -> registry.authenticate(id, UserId.of("bob"), DeviceId.of("phone")))
                .hasMessageContaining("resume store down");
        putFails.set(false);
        assertThat(registry.info(id)).get().extracting(i -> i.state()).isEqualTo(ConnectionState.CONNECTING);
        assertThat(store.leasesOf(UserId.of("bob"))).as("no lease while unauthenticated").isEmpty();
        // the backend is back; the client retries hello on the same socket
        assertThat(registry.authenticate(id, UserId.of("bob"), DeviceId.of("phone")).moved()).isTrue();
        assertThat(registry.info(id)).get().extracting(i -> i.state()).isEqualTo(ConnectionState.OPEN);
        assertThat(store.leasesOf(UserId.of("bob"))).hasSize(1);
        assertThat(registry.resumeToken(id)).isPresent();
    }
}
