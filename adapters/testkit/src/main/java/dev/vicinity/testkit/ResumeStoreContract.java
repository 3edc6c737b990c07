package dev.vicinity.testkit;

import dev.vicinity.core.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.core.spi.ResumeStore.Ticket;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of {@link ResumeStore}, run unchanged by every adapter. */
public abstract class ResumeStoreContract {

    /** A store; tokens are random per test so a binding may share one keyspace across tests. */
    protected abstract ResumeStore createStore() throws Exception;

    /** The store under test, created before each test. */
    protected ResumeStore store;
    private final Instant t0 = MutableClock.DEFAULT_START;

    @BeforeEach
    void setUpStore() throws Exception {
        store = createStore();
    }

    private static String token() {
        return "tok-" + UUID.randomUUID();
    }

    private static Ticket ticket(long generation) {
        return new Ticket(ConnectionId.of("c-" + generation), UserId.of("u"), DeviceId.of("d"), NodeId.of("n"),
                generation);
    }

    @Test
    void aTokenIsTakenOnceWithItsTicket() {
        String tok = token();
        store.put(tok, ticket(7), t0.plusSeconds(60));
        assertThat(store.take(tok, t0)).contains(ticket(7));
        assertThat(store.take(tok, t0)).isEmpty();
    }

    @Test
    void anExpiredTokenIsRefusedAndExpiryIsExclusive() {
        String tok = token();
        store.put(tok, ticket(1), t0.plusSeconds(60));
        assertThat(store.take(tok, t0.plusSeconds(60))).isEmpty();
        String tok2 = token();
        store.put(tok2, ticket(2), t0.plusSeconds(60));
        assertThat(store.take(tok2, t0.plusSeconds(59))).contains(ticket(2));
    }

    @Test
    void putReplacesTicketAndExpiryAndRemoveForgets() {
        String tok = token();
        store.put(tok, ticket(1), t0.plusSeconds(10));
        store.put(tok, ticket(2), t0.plusSeconds(100));
        assertThat(store.take(tok, t0.plusSeconds(50))).contains(ticket(2));
        String tok2 = token();
        store.put(tok2, ticket(3), t0.plusSeconds(100));
        store.remove(tok2);
        store.remove(tok2);
        assertThat(store.take(tok2, t0)).isEmpty();
        assertThat(store.take("never-issued-" + UUID.randomUUID(), t0)).isEqualTo(Optional.empty());
    }

    @Test
    void ofConcurrentTakesOfOneTokenExactlyOneWins() {
        for (int round = 0; round < 20; round++) {
            String tok = token();
            store.put(tok, ticket(round), t0.plusSeconds(60));
            AtomicInteger wins = new AtomicInteger();
            ConcurrencyFuzzer.threads(8).run((t, i) -> {
                if (store.take(tok, t0).isPresent()) {
                    wins.incrementAndGet();
                }
            });
            assertThat(wins.get()).isEqualTo(1);
        }
    }
}
