package dev.vicinity.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.Lease;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.core.MutableClock;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes, each with its own Redis connection, presence service and Redis event bus, share one
 * presence keyspace. The first node dies (stops ticking and heartbeating); the two survivors sweep
 * concurrently every second. Within lease TTL + grace each of the dead node's users is offline, and
 * every observer node (through its local emit or the bus) saw exactly one online and exactly one
 * offline event per user; users of a survivor never flap.
 */
class RedisTwoNodePresenceIT {
    private final Duration ttl = Duration.ofSeconds(30);
    private final Duration grace = Duration.ofSeconds(10);
    private final Duration nodeTtl = Duration.ofSeconds(15);
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String prefix = RedisTestSupport.newPrefix("presence2");
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        RedisTestSupport.deleteKeys(prefix);
    }

    private final class Node {
        final PresenceService presence;
        final RedisEventBus bus;
        final List<PresenceChange> seen = new CopyOnWriteArrayList<>();
        final Set<String> flushes = ConcurrentHashMap.newKeySet();

        Node(String name, MutableClock clock) {
            StatefulRedisConnection<String, String> connection = RedisTestSupport.guarded(RedisTestSupport.client().connect());
            bus = RedisEventBus.builder(RedisTestSupport.client()).clock(clock).build();
            presence = PresenceService.builder(RedisPresenceStore.builder(connection).keyPrefix(prefix).build(),
                    NodeId.of(run + "-" + name)).clock(clock).leaseTtl(ttl).offlineGrace(grace).nodeTtl(nodeTtl)
                    .eventBus(bus).build();
            presence.subscribe(c -> {
                if (c.user().value().startsWith(run)) {
                    seen.add(c);
                }
            });
            bus.subscribe("flush-" + run, (t, p) -> flushes.add(new String(p, StandardCharsets.UTF_8)));
            closing.add(0, connection::close);
            closing.add(0, bus);
            closing.add(0, presence);
        }

        long count(UserId u, boolean online) {
            return seen.stream().filter(c -> c.user().equals(u) && c.online() == online).count();
        }
    }

    @Test
    void aDeadNodesUsersGoOfflineWithinTtlPlusGraceWithExactlyOneEventEachOnEveryNode() throws Exception {
        RedisTestSupport.connection();
        MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
        Node dying = new Node("dying", clock);
        Node b = new Node("b", clock);
        Node c = new Node("c", clock);
        List<Node> observers = List.of(b, c);
        dying.presence.tick();
        b.presence.tick();
        c.presence.tick();

        List<UserId> victims = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UserId u = UserId.of(run + "-victim" + i);
            victims.add(u);
            dying.presence.connect(u, DeviceId.of("phone"), ConnectionId.of(run + "-dc" + i));
        }
        List<Lease> bLeases = new ArrayList<>();
        List<UserId> stayers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UserId u = UserId.of(run + "-stayer" + i);
            stayers.add(u);
            bLeases.add(b.presence.connect(u, DeviceId.of("phone"), ConnectionId.of(run + "-bc" + i)).lease());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> observers.stream()
                .allMatch(n -> victims.stream().allMatch(u -> n.count(u, true) == 1)));

        Instant death = clock.instant();
        Instant deadline = death.plus(ttl).plus(grace);
        while (clock.instant().isBefore(deadline)) {
            clock.advance(Duration.ofSeconds(1));
            for (int i = 0; i < bLeases.size(); i++) {
                bLeases.set(i, b.presence.heartbeat(bLeases.get(i)).orElseThrow());
            }
            // Both survivors sweep at the same time: each removal and offline goes to exactly one.
            CompletableFuture<?> sweepB = CompletableFuture.runAsync(b.presence::tick);
            CompletableFuture<?> sweepC = CompletableFuture.runAsync(c.presence::tick);
            CompletableFuture.allOf(sweepB, sweepC).get();
        }
        for (UserId u : victims) {
            assertThat(b.presence.isOnline(u)).as("%s online at TTL + grace", u).isFalse();
        }
        // Later ticks must not repeat anything.
        clock.advance(Duration.ofMinutes(5));
        b.presence.tick();
        c.presence.tick();
        flush(List.of(b, c), observers);

        for (Node n : observers) {
            for (UserId u : victims) {
                assertThat(n.count(u, true)).as("online events of %s", u).isEqualTo(1);
                assertThat(n.count(u, false)).as("offline events of %s", u).isEqualTo(1);
            }
            for (UserId u : stayers) {
                assertThat(n.count(u, false)).as("offline events of stayer %s", u).isZero();
            }
        }
        long offlineEmitted = victims.stream().mapToLong(u -> b.seen.stream()
                .filter(ch -> ch.user().equals(u) && !ch.online() && !ch.node().equals(NodeId.of(run + "-dying")))
                .count()).sum();
        assertThat(offlineEmitted).isEqualTo(victims.size());
    }

    /** Every sender publishes a marker after its events; a bus keeps one publisher's order. */
    private void flush(List<Node> senders, List<Node> observers) {
        for (Node s : senders) {
            s.bus.publish("flush-" + run, s.presence.node().value().getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> observers.stream()
                .allMatch(o -> senders.stream().allMatch(s -> o.flushes.contains(s.presence.node().value()))));
    }
}
