package dev.vicinity.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.MutableClock;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.ResumeResult;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.ResumeStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Races between a resume that has taken its token and a detach or a close of the same connection. */
class ConnectionRegistryResumeRaceTest {
    private static final UserId ALICE = UserId.of("alice");
    private static final DeviceId PHONE = DeviceId.of("phone");

    private final MutableClock clock = new MutableClock();
    private final InMemoryResumeStore resumeStore = new InMemoryResumeStore();
    private final CountDownLatch taken = new CountDownLatch(1);
    private final CountDownLatch proceed = new CountDownLatch(1);
    private volatile boolean pauseNextTake;
    private final PresenceService presence = PresenceService.builder(new InMemoryPresenceStore(), NodeId.of("n"))
            .clock(clock).build();
    private final ConnectionRegistry registry = ConnectionRegistry.builder(presence, new PausingTake()).build();

    /** Resume takes the token, then (before it locks the entry) the server detaches, which stores the token again. */
    @Test
    void aTokenSpentByAResumeStaysSpentWhenADetachRacesIt() throws Exception {
        ConnectionId id = registry.open(code -> { });
        registry.authenticate(id, ALICE, PHONE);
        String t1 = registry.resumeToken(id).orElseThrow();

        pauseNextTake = true;
        CompletableFuture<ResumeResult> resume = CompletableFuture.supplyAsync(() -> registry.resume(t1, code -> { }));
        assertThat(taken.await(2, TimeUnit.SECONDS)).isTrue();
        registry.detach(id, CloseCode.TRANSPORT_LOST);       // server notices the old transport's loss now
        proceed.countDown();
        assertThat(resume.get(2, TimeUnit.SECONDS)).isInstanceOf(ResumeResult.Resumed.class);

        registry.close(id, CloseCode.NORMAL);                 // clean close (logout)
        ResumeResult replay = registry.resume(t1, code -> { });
        assertThat(replay).as("a spent token of a cleanly closed connection").isInstanceOf(ResumeResult.Refused.class);
        assertThat(registry.connections()).isEmpty();
    }

    /** Resume takes the token, then the host closes (kicks) the connection: the close stands. */
    @Test
    void aKickRacingAResumeIsNotUndoneByAResumeFromElsewhere() throws Exception {
        ConnectionId id = registry.open(code -> { });
        registry.authenticate(id, ALICE, PHONE);
        registry.detach(id, CloseCode.TRANSPORT_LOST);
        String t1 = registry.resumeToken(id).orElseThrow();

        pauseNextTake = true;
        CompletableFuture<ResumeResult> resume = CompletableFuture.supplyAsync(() -> registry.resume(t1, code -> { }));
        assertThat(taken.await(2, TimeUnit.SECONDS)).isTrue();
        registry.close(id, CloseCode.KICKED);
        proceed.countDown();
        ResumeResult r = resume.get(2, TimeUnit.SECONDS);
        assertThat(r).as("a kicked connection must not come back").isInstanceOf(ResumeResult.Refused.class);
        assertThat(registry.connections()).isEmpty();
        assertThat(presence.isOnline(ALICE) && !presence.liveLeases(ALICE).isEmpty()).isFalse();
    }

    private final class PausingTake implements ResumeStore {
        @Override
        public void put(String token, Ticket ticket, Instant expiresAt) {
            resumeStore.put(token, ticket, expiresAt);
        }

        @Override
        public Optional<Ticket> take(String token, Instant now) {
            Optional<Ticket> t = resumeStore.take(token, now);
            if (pauseNextTake) {
                pauseNextTake = false;
                taken.countDown();
                try {
                    proceed.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return t;
        }

        @Override
        public void remove(String token) {
            resumeStore.remove(token);
        }
    }
}
