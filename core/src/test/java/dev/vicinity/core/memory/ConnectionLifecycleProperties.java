package dev.vicinity.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionInfo;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.ConnectionState;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.Lease;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.ResumeResult;
import dev.vicinity.core.UserId;
import dev.vicinity.core.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of connect / heartbeat / detach / resume / replayed resume / close / time passing
 * / node death against two nodes sharing one in-memory presence store and bus. After every step:
 * <ul>
 *   <li>at most one {@code OPEN} connection per (user, device) across live nodes;</li>
 *   <li>every {@code OPEN} connection of a live node holds exactly its own live lease in the store;</li>
 *   <li>no lease without a connection: every stored lease belongs to a live connection of a live node,
 *       or to the dead node and is not yet past its purge deadline;</li>
 *   <li>per user, presence changes alternate online/offline starting with online;</li>
 * </ul>
 * and at the end, once everything is closed and enough time has passed, every user who was ever
 * online got exactly one final offline (offline exactly once per online period) and no lease remains.
 */
class ConnectionLifecycleProperties {

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration NODE_TTL = Duration.ofSeconds(15);

    sealed interface Op {}

    record Connect(int node, int user, int device) implements Op {}

    record Heartbeat(int pick) implements Op {}

    record Detach(int pick) implements Op {}

    record Resume(int pick) implements Op {}

    record ReplayToken(int pick) implements Op {}

    record Close(int pick) implements Op {}

    record Advance(int seconds) implements Op {}

    record KillNodeB() implements Op {}

    /** Fixed seeds: one try per seed, reproducible run to run. */
    static LongStream seeds() {
        return LongStream.range(0, 300).map(i -> 0x5EED_C011L + i * 0x9E3779B97F4A7C15L);
    }

    /** Uniform in [min, max]. */
    private static int between(Random rnd, int min, int max) {
        return min + rnd.nextInt(max - min + 1);
    }

    /** 1 to 60 operations, each one of the eight kinds with equal probability. */
    static List<Op> operations(Random rnd) {
        int size = between(rnd, 1, 60);
        List<Op> ops = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            ops.add(switch (rnd.nextInt(8)) {
                case 0 -> new Connect(between(rnd, 0, 1), between(rnd, 0, 2), between(rnd, 0, 1));
                case 1 -> new Heartbeat(between(rnd, 0, 1000));
                case 2 -> new Detach(between(rnd, 0, 1000));
                case 3 -> new Resume(between(rnd, 0, 1000));
                case 4 -> new ReplayToken(between(rnd, 0, 1000));
                case 5 -> new Close(between(rnd, 0, 1000));
                case 6 -> new Advance(between(rnd, 1, 40));
                default -> new KillNodeB();
            });
        }
        return ops;
    }

    private static final class World {
        final MutableClock clock = new MutableClock();
        final InMemoryPresenceStore store = new InMemoryPresenceStore();
        final InMemoryEventBus bus = new InMemoryEventBus(clock);
        final InMemoryResumeStore resumeStore = new InMemoryResumeStore();
        final List<PresenceService> presence = new ArrayList<>();
        final List<ConnectionRegistry> registries = new ArrayList<>();
        final List<PresenceChange> changes = new CopyOnWriteArrayList<>();
        final Map<ConnectionId, Integer> nodeOf = new HashMap<>();
        final Map<ConnectionId, String> tokens = new HashMap<>();
        final List<String> spentTokens = new ArrayList<>();
        final Set<UserId> everOnline = new HashSet<>();
        boolean bDead;
        Instant bDiedAt;

        World() {
            for (String n : List.of("A", "B")) {
                PresenceService p = PresenceService.builder(store, NodeId.of(n)).clock(clock).leaseTtl(TTL)
                        .offlineGrace(GRACE).nodeTtl(NODE_TTL).eventBus(bus).build();
                presence.add(p);
                registries.add(ConnectionRegistry.builder(p, resumeStore).resumeWindow(Duration.ofSeconds(60)).build());
            }
            presence.get(0).subscribe(changes::add); // node A sees local and (via the bus) remote changes
        }

        boolean alive(int node) {
            return node == 0 || !bDead;
        }

        List<ConnectionInfo> live(int node) {
            return alive(node) ? registries.get(node).connections() : List.of();
        }

        List<ConnectionInfo> all(ConnectionState state) {
            List<ConnectionInfo> r = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                for (ConnectionInfo i : live(n)) {
                    if (state == null || i.state() == state) {
                        r.add(i);
                    }
                }
            }
            r.sort((a, b) -> a.connection().value().compareTo(b.connection().value()));
            return r;
        }

        ConnectionInfo pick(int pick, ConnectionState state) {
            List<ConnectionInfo> l = all(state);
            return l.isEmpty() ? null : l.get(pick % l.size());
        }

        void tick() {
            for (int n = 0; n < 2; n++) {
                if (alive(n)) {
                    registries.get(n).tick();
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void lifecycleKeepsPresenceInvariants(long seed) {
        List<Op> ops = operations(new Random(seed));
        World w = new World();
        for (Op op : ops) {
            apply(w, op);
            checkInvariants(w);
        }
        // Close everything that is still live, let every deadline pass, and check the end state.
        for (ConnectionInfo i : w.all(null)) {
            w.registries.get(w.nodeOf.get(i.connection())).close(i.connection(), CloseCode.NORMAL);
        }
        for (int s = 0; s < 120; s++) {
            w.clock.advance(Duration.ofSeconds(1));
            w.tick();
        }
        checkInvariants(w);
        assertThat(w.store.leaseCount()).isZero();
        Map<UserId, List<Boolean>> perUser = perUser(w.changes);
        for (UserId u : w.everOnline) {
            List<Boolean> events = perUser.get(u);
            assertThat(events).as("changes of %s", u).isNotEmpty();
            assertThat(events.get(events.size() - 1)).as("last change of %s", u).isFalse();
        }
    }

    private void apply(World w, Op op) {
        if (op instanceof Connect c) {
            int node = w.alive(c.node()) ? c.node() : 0;
            ConnectionRegistry r = w.registries.get(node);
            ConnectionId id = r.open(code -> { });
            UserId user = UserId.of("u" + c.user());
            r.authenticate(id, user, DeviceId.of("d" + c.device()));
            w.nodeOf.put(id, node);
            w.tokens.put(id, r.resumeToken(id).orElseThrow());
            w.everOnline.add(user);
        } else if (op instanceof Heartbeat h) {
            ConnectionInfo i = w.pick(h.pick(), ConnectionState.OPEN);
            if (i != null) {
                w.registries.get(w.nodeOf.get(i.connection())).heartbeat(i.connection());
            }
        } else if (op instanceof Detach d) {
            ConnectionInfo i = w.pick(d.pick(), ConnectionState.OPEN);
            if (i != null) {
                w.registries.get(w.nodeOf.get(i.connection())).detach(i.connection(), CloseCode.TRANSPORT_LOST);
            }
        } else if (op instanceof Resume res) {
            ConnectionInfo i = w.pick(res.pick(), ConnectionState.DETACHED);
            if (i != null) {
                String token = w.tokens.get(i.connection());
                ResumeResult result = w.registries.get(w.nodeOf.get(i.connection())).resume(token, code -> { });
                w.spentTokens.add(token);
                if (result instanceof ResumeResult.Resumed ok) {
                    w.tokens.put(i.connection(), ok.resumeToken());
                    assertThat(ok.connection()).isEqualTo(i.connection());
                }
            }
        } else if (op instanceof ReplayToken rt) {
            if (!w.spentTokens.isEmpty()) {
                String token = w.spentTokens.get(rt.pick() % w.spentTokens.size());
                for (int n = 0; n < 2; n++) {
                    if (w.alive(n)) {
                        assertThat(w.registries.get(n).resume(token, code -> { }))
                                .isInstanceOf(ResumeResult.Refused.class);
                    }
                }
            }
        } else if (op instanceof Close c) {
            ConnectionInfo i = w.pick(c.pick(), null);
            if (i != null) {
                w.registries.get(w.nodeOf.get(i.connection())).close(i.connection(), CloseCode.NORMAL);
            }
        } else if (op instanceof Advance a) {
            // Live nodes tick every second, as deployed nodes do; only a killed node stops.
            for (int s = 0; s < a.seconds(); s++) {
                w.clock.advance(Duration.ofSeconds(1));
                w.tick();
            }
        } else if (op instanceof KillNodeB && !w.bDead) {
            w.bDead = true;
            w.bDiedAt = w.clock.instant();
            w.presence.get(1).close(); // the process is gone: no more bus traffic, no ticks
        }
    }

    private void checkInvariants(World w) {
        Instant now = w.clock.instant();
        Map<String, Integer> openPerDevice = new HashMap<>();
        for (ConnectionInfo i : w.all(ConnectionState.OPEN)) {
            openPerDevice.merge(i.user() + "|" + i.device(), 1, Integer::sum);
            List<Lease> leases = w.store.leasesOf(i.user());
            assertThat(leases).as("lease of open connection %s", i.connection())
                    .filteredOn(l -> l.connection().equals(i.connection()))
                    .hasSize(1)
                    .allSatisfy(l -> assertThat(l.isLiveAt(now)).isTrue());
        }
        assertThat(openPerDevice.values()).as("open connections per (user, device)").allMatch(n -> n == 1);

        Set<ConnectionId> liveConnections = new HashSet<>();
        w.all(null).forEach(i -> liveConnections.add(i.connection()));
        for (int u = 0; u < 3; u++) {
            for (Lease l : w.store.leasesOf(UserId.of("u" + u))) {
                boolean onDeadNode = w.bDead && l.node().value().equals("B");
                if (onDeadNode) {
                    // Purged once the dead node's heartbeat (renewed at most at its death) lapses.
                    assertThat(now).as("dead node's lease %s still stored", l.connection())
                            .isBefore(w.bDiedAt.plus(NODE_TTL).plusSeconds(40));
                } else {
                    assertThat(liveConnections).as("lease %s without a live connection", l.connection())
                            .contains(l.connection());
                }
            }
        }

        for (Map.Entry<UserId, List<Boolean>> e : perUser(w.changes).entrySet()) {
            List<Boolean> events = e.getValue();
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i)).as("change %d of %s alternates", i, e.getKey()).isEqualTo(i % 2 == 0);
            }
        }
    }

    private static Map<UserId, List<Boolean>> perUser(List<PresenceChange> changes) {
        Map<UserId, List<Boolean>> m = new HashMap<>();
        for (PresenceChange c : changes) {
            m.computeIfAbsent(c.user(), k -> new ArrayList<>()).add(c.online());
        }
        return m;
    }
}
