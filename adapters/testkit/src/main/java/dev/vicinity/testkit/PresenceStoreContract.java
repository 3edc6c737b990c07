package dev.vicinity.testkit;

import dev.vicinity.core.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.ConnectionState;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.Lease;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.PresenceStore.Acquired;
import dev.vicinity.core.spi.PresenceStore.Removed;
import dev.vicinity.core.spi.PresenceStore.SweepResult;
import dev.vicinity.core.spi.ResumeStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link PresenceStore}, run unchanged by every adapter: the storage primitives
 * themselves, then the presence guarantees of BRIEF §2 through {@link PresenceService} and
 * {@link ConnectionRegistry} on top of the store (rapid reconnects, node death, offline exactly once).
 *
 * <p>Ids are random per test so a binding may reuse one server-side keyspace across tests.
 */
public abstract class PresenceStoreContract {

    /** A store; tests of one instance run against it alone. */
    protected abstract PresenceStore createStore() throws Exception;

    /** A second handle on the same shared state, as another node would have; defaults to {@code first}. */
    protected PresenceStore createPeer(PresenceStore first) throws Exception {
        return first;
    }

    /**
     * The resume store used by the service-level scenarios (one per test; peers share it). Bindings
     * return their own backend's implementation.
     */
    protected abstract ResumeStore createResumeStore() throws Exception;

    /** What this backend can do; default: everything. */
    protected Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    /** The store under test, created before each test. */
    protected PresenceStore store;
    /** The clock the store and the tests share; tests advance it instead of sleeping. */
    protected MutableClock clock;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUpStore() throws Exception {
        Assumptions.assumeTrue(capabilities().contains(Capability.INJECTED_TIME),
                "presence contract drives expiry with the injected clock");
        store = createStore();
        clock = new MutableClock();
    }

    /** A user id named {@code name}. */
    protected UserId user(String name) {
        return UserId.of(run + "-u-" + name);
    }

    /** A device id named {@code name}. */
    protected DeviceId device(String name) {
        return DeviceId.of("d-" + name);
    }

    /** A connection id named {@code name}. */
    protected ConnectionId conn(String name) {
        return ConnectionId.of(run + "-c-" + name);
    }

    /** A node id named {@code name}. */
    protected NodeId node(String name) {
        return NodeId.of(run + "-n-" + name);
    }

    private Instant in(int seconds) {
        return clock.instant().plusSeconds(seconds);
    }

    @Test
    void firstAcquireBringsTheUserOnlineAndASecondDeviceDoesNot() {
        Acquired a = store.acquire(user("a"), device("phone"), conn("1"), node("x"), in(30));
        assertThat(a.cameOnline()).isTrue();
        assertThat(a.replaced()).isEmpty();
        assertThat(a.lease().user()).isEqualTo(user("a"));
        assertThat(a.lease().node()).isEqualTo(node("x"));
        assertThat(a.lease().expiresAt()).isEqualTo(in(30));
        Acquired b = store.acquire(user("a"), device("laptop"), conn("2"), node("x"), in(30));
        assertThat(b.cameOnline()).isFalse();
        assertThat(b.replaced()).isEmpty();
        assertThat(store.leasesOf(user("a"))).extracting(Lease::connection)
                .containsExactlyInAnyOrder(conn("1"), conn("2"));
    }

    @Test
    void aBatchReadGivesEveryRequestedUserTheirLeasesAsTheSingleReadDoes() {
        store.acquire(user("a"), device("phone"), conn("1"), node("x"), in(30));
        store.acquire(user("a"), device("laptop"), conn("2"), node("y"), in(60));
        store.acquire(user("b"), device("phone"), conn("3"), node("x"), in(30));
        Lease gone = store.acquire(user("c"), device("phone"), conn("4"), node("x"), in(30)).lease();
        store.release(gone.connection(), gone.generation(), in(5));
        List<UserId> asked = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // a large bucket: mostly users without any lease
            asked.add(user("n" + i));
        }
        asked.addAll(List.of(user("a"), user("b"), user("c")));

        Map<UserId, List<Lease>> batch = store.leasesOf(asked);

        assertThat(batch.keySet()).containsExactlyInAnyOrderElementsOf(asked);
        for (UserId u : asked) {
            assertThat(batch.get(u)).as("leases of %s", u).containsExactlyInAnyOrderElementsOf(store.leasesOf(u));
        }
        assertThat(batch.get(user("a"))).hasSize(2);
        assertThat(batch.get(user("c"))).isEmpty();
        assertThat(store.leasesOf(List.of())).isEmpty();
    }

    /** What {@link PresenceStore#liveAmong} must answer: the users with a stored lease expiring after now. */
    private Set<UserId> liveByLeases(List<UserId> users) {
        Set<UserId> live = new java.util.HashSet<>();
        store.leasesOf(users).forEach((u, leases) -> {
            if (leases.stream().anyMatch(l -> l.isLiveAt(clock.instant()))) {
                live.add(u);
            }
        });
        return live;
    }

    @Test
    void liveAmongAgreesWithTheStoredLeasesThroughAcquireReplaceRenewReleaseAndSweep() {
        List<UserId> users = List.of(user("a"), user("b"), user("c"), user("d"), user("never"));
        Lease a1 = store.acquire(user("a"), device("phone"), conn("a1"), node("x"), in(30)).lease();
        store.acquire(user("a"), device("laptop"), conn("a2"), node("x"), in(10));
        Lease b1 = store.acquire(user("b"), device("phone"), conn("b1"), node("x"), in(10)).lease();
        Lease c1 = store.acquire(user("c"), device("phone"), conn("c1"), node("y"), in(10)).lease();
        store.acquire(user("c"), device("phone"), conn("c2"), node("y"), in(5)); // replaces c1, shorter
        Lease d1 = store.acquire(user("d"), device("phone"), conn("d1"), node("x"), in(10)).lease();
        assertThat(store.liveAmong(users, clock.instant())).isEqualTo(liveByLeases(users))
                .containsExactlyInAnyOrder(user("a"), user("b"), user("c"), user("d"));

        store.release(d1.connection(), d1.generation(), in(20));
        assertThat(store.renew(b1.connection(), b1.generation(), in(40))).isPresent();
        assertThat(store.renew(c1.connection(), c1.generation(), in(60))).as("replaced: no renewal").isEmpty();
        clock.advance(Duration.ofSeconds(7)); // c2 expired (not swept); a2 still live, a1 too
        assertThat(store.liveAmong(users, clock.instant())).isEqualTo(liveByLeases(users))
                .containsExactlyInAnyOrder(user("a"), user("b"));

        clock.advance(Duration.ofSeconds(5)); // a2 expired; a1 (30 s) keeps a live
        store.sweep(clock.instant(), in(20), 100);
        assertThat(store.liveAmong(users, clock.instant())).isEqualTo(liveByLeases(users))
                .containsExactlyInAnyOrder(user("a"), user("b"));
        store.release(a1.connection(), a1.generation(), in(20));
        assertThat(store.liveAmong(users, clock.instant())).isEqualTo(liveByLeases(users))
                .containsExactly(user("b"));
        clock.advance(Duration.ofSeconds(30));
        assertThat(store.liveAmong(users, clock.instant())).isEmpty();
        assertThat(store.liveAmong(List.of(), clock.instant())).isEmpty();
    }

    @Test
    void liveAmongFollowsARenewalToAnEarlierExpiry() {
        List<UserId> users = List.of(user("e"));
        Lease e = store.acquire(user("e"), device("phone"), conn("e1"), node("x"), in(30)).lease();
        assertThat(store.renew(e.connection(), e.generation(), in(5))).isPresent();
        clock.advance(Duration.ofSeconds(7));
        assertThat(store.liveAmong(users, clock.instant())).isEqualTo(liveByLeases(users)).isEmpty();
    }

    @Test
    void onlineAmongABatchCountsOnlyLiveLeases() {
        PresenceService presence = PresenceService.builder(store, node("x")).clock(clock)
                .leaseTtl(Duration.ofSeconds(30)).build();
        presence.connect(user("a"), device("phone"), conn("1"));
        presence.connect(user("b"), device("phone"), conn("2"));
        clock.advance(Duration.ofSeconds(20));
        presence.connect(user("c"), device("phone"), conn("3"));
        assertThat(presence.onlineAmong(List.of(user("a"), user("b"), user("c"), user("z"))))
                .containsExactlyInAnyOrder(user("a"), user("b"), user("c"));
        clock.advance(Duration.ofSeconds(15)); // a's and b's leases expired, not yet swept
        assertThat(presence.onlineAmong(List.of(user("a"), user("b"), user("c"), user("z"))))
                .containsExactly(user("c"));
        assertThat(presence.onlineAmong(List.of())).isEmpty();
    }

    @Test
    void aNewConnectionOfTheSameDeviceReplacesTheOldWithAHigherGeneration() {
        Lease old = store.acquire(user("a"), device("phone"), conn("1"), node("x"), in(30)).lease();
        Acquired next = store.acquire(user("a"), device("phone"), conn("2"), node("y"), in(30));
        assertThat(next.replaced()).containsExactly(old);
        assertThat(next.cameOnline()).isFalse();
        assertThat(next.lease().generation()).isGreaterThan(old.generation());
        assertThat(store.leasesOf(user("a"))).containsExactly(next.lease());
    }

    @Test
    void acquiringTwiceForOneConnectionIsRefused() {
        store.acquire(user("a"), device("phone"), conn("1"), node("x"), in(30));
        assertThatThrownBy(() -> store.acquire(user("a"), device("tablet"), conn("1"), node("x"), in(30)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void renewExtendsOnlyTheMatchingGenerationAndNeverResurrects() {
        Lease l = store.acquire(user("a"), device("phone"), conn("1"), node("x"), in(30)).lease();
        Optional<Lease> renewed = store.renew(conn("1"), l.generation(), in(60));
        assertThat(renewed).isPresent();
        assertThat(renewed.get().expiresAt()).isEqualTo(in(60));
        assertThat(renewed.get().generation()).isEqualTo(l.generation());
        assertThat(store.renew(conn("1"), l.generation() + 1000, in(90))).isEmpty();
        assertThat(store.leasesOf(user("a"))).extracting(Lease::expiresAt).containsExactly(in(60));
        assertThat(store.release(conn("1"), l.generation(), in(10))).isPresent();
        assertThat(store.renew(conn("1"), l.generation(), in(90))).isEmpty();
        assertThat(store.leasesOf(user("a"))).isEmpty();
    }

    @Test
    void cleanupOfAReplacedConnectionNeverRemovesTheNewerLease() {
        Lease old = store.acquire(user("a"), device("phone"), conn("1"), node("x"), in(30)).lease();
        Lease newer = store.acquire(user("a"), device("phone"), conn("2"), node("x"), in(30)).lease();
        assertThat(store.release(conn("1"), old.generation(), in(10))).isEmpty();
        assertThat(store.release(conn("2"), old.generation(), in(10))).isEmpty();
        assertThat(store.renew(conn("2"), old.generation(), in(60))).isEmpty();
        assertThat(store.leasesOf(user("a"))).containsExactly(newer);
    }

    @Test
    void releasingTheLastLeaseMakesTheUserPendingOfflineUntilTheDeadlineOnce() {
        Lease l1 = store.acquire(user("a"), device("phone"), conn("1"), node("x"), in(30)).lease();
        Lease l2 = store.acquire(user("a"), device("laptop"), conn("2"), node("x"), in(30)).lease();
        Optional<Removed> first = store.release(conn("1"), l1.generation(), in(10));
        assertThat(first).map(Removed::lastOfUser).contains(false);
        Optional<Removed> last = store.release(conn("2"), l2.generation(), in(10));
        assertThat(last).map(Removed::lastOfUser).contains(true);
        assertThat(last.get().lease()).isEqualTo(l2);

        assertThat(store.sweep(in(9), in(19), 100).wentOffline()).doesNotContain(user("a"));
        assertThat(store.sweep(in(10), in(20), 100).wentOffline()).containsExactly(user("a"));
        assertThat(store.sweep(in(11), in(21), 100).wentOffline()).doesNotContain(user("a"));
    }

    @Test
    void aReconnectWithinTheGracePeriodCancelsTheOfflineAndIsNotANewOnline() {
        Lease l1 = store.acquire(user("a"), device("phone"), conn("1"), node("x"), in(30)).lease();
        store.release(conn("1"), l1.generation(), in(10));
        Acquired again = store.acquire(user("a"), device("phone"), conn("2"), node("x"), in(30));
        assertThat(again.cameOnline()).isFalse();
        assertThat(store.sweep(in(15), in(25), 100).wentOffline()).doesNotContain(user("a"));
    }

    @Test
    void sweepRemovesExpiredLeasesOnceAndKeepsLiveOnes() {
        store.acquire(user("a"), device("phone"), conn("1"), node("x"), in(10));
        store.acquire(user("b"), device("phone"), conn("2"), node("x"), in(20));
        store.heartbeatNode(node("x"), in(1000));
        SweepResult early = store.sweep(in(9), in(19), 100);
        assertThat(early.expired()).isEmpty();
        SweepResult atExpiry = store.sweep(in(10), in(20), 100);
        assertThat(atExpiry.expired()).extracting(r -> r.lease().connection()).containsExactly(conn("1"));
        assertThat(atExpiry.expired().get(0).lastOfUser()).isTrue();
        assertThat(store.sweep(in(11), in(21), 100).expired()).isEmpty();
        assertThat(store.leasesOf(user("b"))).hasSize(1);
        assertThat(store.sweep(in(20), in(30), 100).wentOffline()).containsExactly(user("a"));
    }

    @Test
    void sweepRespectsItsLimitAndTheRestFollowsLater() {
        for (int i = 0; i < 7; i++) {
            store.acquire(user("u" + i), device("phone"), conn("c" + i), node("x"), in(5));
        }
        store.heartbeatNode(node("x"), in(1000));
        assertThat(store.sweep(in(6), in(16), 3).expired()).hasSize(3);
        assertThat(store.sweep(in(6), in(16), 3).expired()).hasSize(3);
        assertThat(store.sweep(in(6), in(16), 3).expired()).hasSize(1);
    }

    @Test
    void aDeadNodesLeasesArePurgedInBulkAndOtherNodesAreUntouched() {
        store.heartbeatNode(node("dead"), in(15));
        store.heartbeatNode(node("alive"), in(15));
        for (int i = 0; i < 5; i++) {
            store.acquire(user("d" + i), device("phone"), conn("d" + i), node("dead"), in(300));
        }
        store.acquire(user("s"), device("phone"), conn("s"), node("alive"), in(300));
        store.heartbeatNode(node("alive"), in(30));
        assertThat(store.sweep(in(14), in(24), 100).purged()).isEmpty();
        SweepResult r = store.sweep(in(15), in(25), 100);
        assertThat(r.purged()).extracting(x -> x.lease().node()).containsOnly(node("dead")).hasSize(5);
        assertThat(r.purged()).allMatch(Removed::lastOfUser);
        assertThat(store.leasesOf(user("s"))).hasSize(1);
        assertThat(store.sweep(in(25), in(35), 100).wentOffline()).hasSize(5).doesNotContain(user("s"));
    }

    @Test
    void concurrentAcquiresOfOneDeviceLeaveExactlyOneLeaseAndReportEachReplacementOnce() {
        int threads = 8;
        int each = 10;
        List<Acquired> results = new CopyOnWriteArrayList<>();
        ConcurrencyFuzzer.threads(threads).iterations(each).run((t, i) -> results.add(
                store.acquire(user("a"), device("phone"), conn(t + "-" + i), node("n" + t), in(30))));
        assertThat(results).hasSize(threads * each);
        assertThat(results).extracting(r -> r.lease().generation()).doesNotHaveDuplicates();
        assertThat(results).filteredOn(Acquired::cameOnline).hasSize(1);
        List<Lease> remaining = store.leasesOf(user("a"));
        assertThat(remaining).hasSize(1);
        List<ConnectionId> replaced = new ArrayList<>();
        results.forEach(r -> r.replaced().forEach(l -> replaced.add(l.connection())));
        assertThat(replaced).doesNotHaveDuplicates().hasSize(threads * each - 1)
                .doesNotContain(remaining.get(0).connection());
        long maxGeneration = results.stream().mapToLong(r -> r.lease().generation()).max().orElseThrow();
        assertThat(remaining.get(0).generation()).isEqualTo(maxGeneration);
    }

    @Test
    void concurrentSweepersReportEachRemovalAndEachOfflineExactlyOnce() throws Exception {
        PresenceStore other = createPeer(store);
        for (int i = 0; i < 200; i++) {
            store.acquire(user("u" + i), device("phone"), conn("c" + i), node("x"), in(5));
        }
        store.heartbeatNode(node("x"), in(1000));
        ConcurrentLinkedQueue<ConnectionId> removed = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<UserId> offline = new ConcurrentLinkedQueue<>();
        ConcurrencyFuzzer.threads(4).iterations(30).run((t, i) -> {
            PresenceStore s = t % 2 == 0 ? store : other;
            SweepResult r = s.sweep(in(5 + i), in(10 + i), 20);
            r.expired().forEach(x -> removed.add(x.lease().connection()));
            offline.addAll(r.wentOffline());
        });
        assertThat(removed).hasSize(200).doesNotHaveDuplicates();
        SweepResult tail = store.sweep(in(100), in(110), 1000);
        tail.wentOffline().forEach(offline::add);
        assertThat(offline).hasSize(200).doesNotHaveDuplicates();
    }

    /** The presence guarantees of BRIEF §2 through the services, on this store. */
    @Nested
    class ThroughServices {
        private final Duration ttl = Duration.ofSeconds(30);
        private final Duration grace = Duration.ofSeconds(10);
        private final Duration nodeTtl = Duration.ofSeconds(15);
        private final List<PresenceChange> changes = new CopyOnWriteArrayList<>();
        private ResumeStore resumeStore;

        @BeforeEach
        void setUpResumeStore() throws Exception {
            resumeStore = createResumeStore();
        }

        private PresenceService presence(String nodeName, PresenceStore s) {
            PresenceService p = PresenceService.builder(s, node(nodeName)).clock(clock)
                    .leaseTtl(ttl).offlineGrace(grace).nodeTtl(nodeTtl).build();
            p.subscribe(changes::add);
            return p;
        }

        private List<Boolean> changesOf(UserId u) {
            List<Boolean> l = new ArrayList<>();
            for (PresenceChange c : changes) {
                if (c.user().equals(u)) {
                    l.add(c.online());
                }
            }
            return l;
        }

        @Test
        void fiftyRapidReconnectsOfOneDeviceConvergeToOneLiveLeaseAndTheRestReplaced() {
            PresenceService p = presence("a", store);
            ConnectionRegistry registry = ConnectionRegistry.builder(p, resumeStore).build();
            Map<ConnectionId, CloseCode> closedWith = new ConcurrentHashMap<>();
            List<ConnectionId> ids = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ConnectionId[] self = new ConnectionId[1];
                ConnectionId id = registry.open(code -> closedWith.put(self[0], code));
                self[0] = id;
                ids.add(id);
                registry.authenticate(id, user("r"), device("phone"));
                clock.advance(Duration.ofMillis(50));
            }
            List<Lease> leases = store.leasesOf(user("r"));
            assertThat(leases).hasSize(1);
            assertThat(leases.get(0).connection()).isEqualTo(ids.get(49));
            assertThat(registry.info(ids.get(49)).orElseThrow().state()).isEqualTo(ConnectionState.OPEN);
            for (int i = 0; i < 49; i++) {
                assertThat(closedWith.get(ids.get(i))).as("connection %d", i).isEqualTo(CloseCode.REPLACED);
                assertThat(registry.info(ids.get(i))).isEmpty();
            }
            assertThat(closedWith).doesNotContainKey(ids.get(49));
            assertThat(changesOf(user("r"))).containsExactly(true);
        }

        @Test
        void aDeadNodesUsersGoOfflineWithinTtlPlusGraceExactlyOnce() throws Exception {
            PresenceService dying = presence("dying", store);
            PresenceService survivor = presence("survivor", createPeer(store));
            ConnectionRegistry onDying = ConnectionRegistry.builder(dying, resumeStore).build();
            List<UserId> users = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                UserId u = user("victim" + i);
                users.add(u);
                onDying.authenticate(onDying.open(code -> { }), u, device("phone"));
            }
            Instant death = clock.instant();
            // The dying node stops ticking; only the survivor keeps running.
            Instant deadline = death.plus(ttl).plus(grace);
            while (clock.instant().isBefore(deadline)) {
                clock.advance(Duration.ofSeconds(1));
                survivor.tick();
            }
            for (UserId u : users) {
                assertThat(survivor.isOnline(u)).isFalse();
                assertThat(changesOf(u)).as("events of %s", u).containsExactly(true, false);
                assertThat(store.leasesOf(u)).isEmpty();
            }
            clock.advance(Duration.ofMinutes(5));
            survivor.tick();
            for (UserId u : users) {
                assertThat(changesOf(u)).containsExactly(true, false);
            }
        }

        @Test
        void offlineIsEmittedOnceAfterGraceAndNotAtAllForAQuickReconnect() {
            PresenceService p = presence("a", store);
            ConnectionRegistry registry = ConnectionRegistry.builder(p, resumeStore).build();
            ConnectionId c1 = registry.open(code -> { });
            registry.authenticate(c1, user("f"), device("phone"));
            registry.close(c1, CloseCode.NORMAL);
            clock.advance(grace.minusSeconds(1));
            p.tick();
            ConnectionId c2 = registry.open(code -> { });
            registry.authenticate(c2, user("f"), device("phone"));
            clock.advance(grace.plusSeconds(5));
            p.tick();
            assertThat(changesOf(user("f"))).containsExactly(true);
            registry.close(c2, CloseCode.NORMAL);
            for (int i = 0; i < 30; i++) {
                clock.advance(Duration.ofSeconds(1));
                p.tick();
            }
            assertThat(changesOf(user("f"))).containsExactly(true, false);
        }

        @Test
        void aDetachedConnectionResumesWithOneLeaseAndASpentTokenIsRefused() {
            PresenceService p = presence("a", store);
            ConnectionRegistry registry = ConnectionRegistry.builder(p, resumeStore).resumeWindow(Duration.ofMinutes(2)).build();
            ConnectionId c = registry.open(code -> { });
            registry.authenticate(c, user("z"), device("phone"));
            String token = registry.resumeToken(c).orElseThrow();
            registry.detach(c, CloseCode.TRANSPORT_LOST);
            clock.advance(Duration.ofSeconds(45)); // longer than the lease TTL: the lease lapses
            p.tick();
            var resumed = registry.resume(token, code -> { });
            assertThat(resumed).isInstanceOf(dev.vicinity.core.ResumeResult.Resumed.class);
            assertThat(store.leasesOf(user("z"))).hasSize(1)
                    .allSatisfy(l -> assertThat(l.connection()).isEqualTo(c));
            assertThat(registry.resume(token, code -> { }))
                    .isInstanceOf(dev.vicinity.core.ResumeResult.Refused.class);
        }
    }
}
