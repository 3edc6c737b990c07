package dev.vicinity.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationSource;
import dev.vicinity.geo.PublicLocation;
import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every Lua script the adapter runs is cluster-safe: all keys it touches are declared in KEYS and hash to
 * one slot. {@link ClusterKeyGuard} checks each invocation of a workload that runs every script (and the
 * other ITs, through the shared guarded connection); the same workload then runs on a real
 * cluster-enabled {@code redis-server} (one node owning all 16384 slots), which refuses declared keys of
 * different slots with {@code CROSSSLOT}, and on a private three-node cluster through Lettuce's cluster
 * client. Negative controls show that both checks can fail.
 */
class ClusterSafetyIT {
    private static final Instant T0 = Instant.parse("2026-04-01T10:00:00Z");
    private final String prefix = RedisTestSupport.newPrefix("cluster");

    @AfterEach
    void deleteKeys() {
        RedisTestSupport.deleteKeys(prefix);
    }

    @Test
    void everyScriptDeclaresAllItsKeysInOneSlotAndShardedDataSpreadsOverSlots() {
        ClusterKeyGuard guard = new ClusterKeyGuard();
        try (StatefulRedisConnection<String, String> raw = RedisTestSupport.client().connect()) {
            runEveryScript(Stores.of(guard.wrap(raw), prefix));
        }

        assertThat(guard.violations()).isEmpty();
        Set<String> scripts = ClusterKeyGuard.scriptResources().stream().filter(n -> !n.endsWith("-lib.lua"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(scripts).hasSizeGreaterThanOrEqualTo(16);
        scripts.add("sunion"); // multi-key commands outside scripts: RedisBlockList.blockedEitherWay,
        scripts.add("mget"); // and CachedRatingStore reading one entry's value and generation
        assertThat(guard.scriptsRun()).isEqualTo(scripts);
        for (ClusterKeyGuard.Invocation i : guard.invocations()) {
            assertThat(i.keys()).allSatisfy(k -> {
                assertThat(k).startsWith(prefix + ":");
                assertThat(SlotHash.getSlot(k)).as("slot of %s in %s", k, i.script()).isEqualTo(i.slot());
            });
        }
        Map<String, Set<Integer>> slots = new HashMap<>();
        guard.invocations().forEach(i -> slots.computeIfAbsent(i.script(), s -> new TreeSet<>()).add(i.slot()));
        // One-slot stores stay in one slot; sharded ones spread (64 users over 16 shards or stripes).
        assertThat(slots.get("presence-acquire.lua")).hasSize(1);
        assertThat(slots.get("presence-sweep.lua")).isEqualTo(slots.get("presence-acquire.lua"));
        assertThat(slots.get("presence-leases-many.lua")).isEqualTo(slots.get("presence-acquire.lua"));
        assertThat(slots.get("block-set.lua")).hasSize(1);
        assertThat(slots.get("geo-upsert.lua")).hasSizeGreaterThanOrEqualTo(8);
        assertThat(slots.get("geo-remove.lua")).hasSize(16); // removeObservedBefore visits every shard
        assertThat(slots.get("rating-insert.lua")).hasSizeGreaterThanOrEqualTo(8);
        assertThat(slots.get("location-cas.lua")).hasSizeGreaterThanOrEqualTo(8);
        assertThat(slots.get("cache-bump.lua")).hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void theGuardRejectsUndeclaredKeysCrossSlotKeysAndScriptsWithoutKeys() {
        ClusterKeyGuard guard = new ClusterKeyGuard();
        try (StatefulRedisConnection<String, String> raw = RedisTestSupport.client().connect()) {
            RedisCommands<String, String> redis = guard.wrap(raw).sync();
            String a = prefix + ":{t}a";
            String b = prefix + ":{t}b";
            String other = prefix + ":{u}c";

            String declared = redis.scriptLoad("redis.call('SET', KEYS[1], '1') return redis.call('GET', KEYS[2])");
            redis.evalsha(declared, ScriptOutputType.VALUE, new String[] {a, b});
            assertThat(guard.violations()).isEmpty();

            // Same slot, but the key is built from ARGV inside the script (how the old layout worked).
            String built = redis.scriptLoad("redis.call('SET', KEYS[1], '1') return redis.call('SET', ARGV[1], '1')");
            assertThatThrownBy(() -> redis.evalsha(built, ScriptOutputType.STATUS, new String[] {a}, b))
                    .isInstanceOf(AssertionError.class).hasMessageContaining(ClusterKeyGuard.MARKER);
            assertThatThrownBy(() -> redis.evalsha(declared, ScriptOutputType.VALUE, new String[] {a, other}))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("different slots");
            String none = redis.scriptLoad("return 1");
            assertThatThrownBy(() -> redis.evalsha(none, ScriptOutputType.INTEGER, new String[0]))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("no key declared");
            assertThatThrownBy(() -> redis.sunion(a, other)).isInstanceOf(AssertionError.class);
            assertThat(guard.violations()).hasSize(4);
        }
    }

    @Test
    @Timeout(120)
    void everyScriptRunsOnAClusterEnabledServerWhichRefusesCrossSlotKeys() throws Exception {
        try (PrivateRedisServer server = new PrivateRedisServer("--cluster-enabled", "yes", "--cluster-config-file",
                "nodes.conf")) {
            server.start();
            RedisClient client = RedisClient.create(server.uri());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> redis = connection.sync();
                redis.clusterAddSlotsRange(Range.create(0, SlotHash.SLOT_COUNT - 1));
                await().atMost(Duration.ofSeconds(30)).until(() -> redis.clusterInfo().contains("cluster_state:ok"));

                // Negative controls: the server refuses declared keys of two slots and cross-slot commands.
                assertThatThrownBy(() -> redis.eval("return 1", ScriptOutputType.INTEGER, "{a}x", "{b}y"))
                        .isInstanceOf(RedisCommandExecutionException.class).hasMessageContaining("CROSSSLOT");
                assertThatThrownBy(() -> redis.sunion("{a}x", "{b}y"))
                        .isInstanceOf(RedisCommandExecutionException.class).hasMessageContaining("CROSSSLOT");

                ClusterKeyGuard guard = new ClusterKeyGuard();
                runEveryScript(Stores.of(guard.wrap(connection), "c"));
                assertThat(guard.violations()).isEmpty();
                // Lettuce's slot function (used by the guard and by cluster routing) is the server's.
                for (ClusterKeyGuard.Invocation i : guard.invocations()) {
                    assertThat(redis.clusterKeyslot(i.keys().get(0))).isEqualTo(i.slot());
                }
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    @Timeout(180)
    void everyStoreWorksOnAThreeNodeClusterThroughTheClusterClientAndSpreadsItsShards() throws Exception {
        try (LocalRedisCluster cluster = new LocalRedisCluster(3)) {
            RedisClusterClient client = RedisClusterClient.create(cluster.uri());
            try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
                runEveryScript(Stores.of(connection, "c3"));
                RedisResumeStore resume = RedisResumeStore.create(connection, "c3");
                resume.put("token", new ResumeStore.Ticket(ConnectionId.of("c9"), UserId.of("alice"),
                        DeviceId.of("phone"), NodeId.of("n1"), 7), T0.plusSeconds(60));
                assertThat(resume.take("token", T0)).isPresent();
            } finally {
                client.shutdown();
            }
            // Presence and blocks are one slot each; shards and stripes spread over all three nodes.
            assertThat(cluster.keysPerNode()).allSatisfy(n -> assertThat(n).isGreaterThan(10));
        }
    }

    /** The stores of one deployment, on a standalone or a cluster connection, with default shard and stripe counts. */
    record Stores(RedisPresenceStore presence, RedisProximityIndex index, RedisRatingStore ratings,
                  RedisLocationStore locations, RedisBlockList blocks, CachedRatingStore cache,
                  RedisRateLimitStore limits) {
        static Stores of(StatefulRedisConnection<String, String> c, String prefix) {
            return new Stores(RedisPresenceStore.builder(c).keyPrefix(prefix).build(),
                    RedisProximityIndex.builder(c).keyPrefix(prefix).build(),
                    RedisRatingStore.builder(c).keyPrefix(prefix).build(),
                    RedisLocationStore.builder(c).keyPrefix(prefix).build(),
                    RedisBlockList.builder(c).keyPrefix(prefix).build(),
                    CachedRatingStore.builder(c, new InMemoryRatingStore()).keyPrefix(prefix).build(),
                    RedisRateLimitStore.builder(c).keyPrefix(prefix).build());
        }

        static Stores of(StatefulRedisClusterConnection<String, String> c, String prefix) {
            return new Stores(RedisPresenceStore.builder(c).keyPrefix(prefix).build(),
                    RedisProximityIndex.builder(c).keyPrefix(prefix).build(),
                    RedisRatingStore.builder(c).keyPrefix(prefix).build(),
                    RedisLocationStore.builder(c).keyPrefix(prefix).build(),
                    RedisBlockList.builder(c).keyPrefix(prefix).build(),
                    CachedRatingStore.builder(c, new InMemoryRatingStore()).keyPrefix(prefix).build(),
                    RedisRateLimitStore.builder(c).keyPrefix(prefix).build());
        }
    }

    /** Runs every script of the adapter at least once. */
    static void runEveryScript(Stores stores) {
        RedisPresenceStore presence = stores.presence();
        DeviceId phone = DeviceId.of("phone");
        UserId alice = UserId.of("alice");
        UserId bob = UserId.of("bob");
        NodeId n1 = NodeId.of("n1");
        NodeId n2 = NodeId.of("n2");
        PresenceStore.Acquired first = presence.acquire(alice, phone, ConnectionId.of("c1"), n1, T0.plusSeconds(30));
        assertThat(first.cameOnline()).isTrue();
        PresenceStore.Acquired second = presence.acquire(alice, phone, ConnectionId.of("c2"), n1, T0.plusSeconds(30));
        assertThat(second.replaced()).extracting(l -> l.connection().value()).containsExactly("c1");
        assertThat(presence.renew(ConnectionId.of("c2"), second.lease().generation(), T0.plusSeconds(60))).isPresent();
        assertThat(presence.leasesOf(alice)).hasSize(1);
        presence.acquire(bob, phone, ConnectionId.of("c3"), n2, T0.plusSeconds(300));
        assertThat(presence.leasesOf(java.util.List.of(alice, bob, UserId.of("nobody"))))
                .hasEntrySatisfying(alice, l -> assertThat(l).hasSize(1))
                .hasEntrySatisfying(bob, l -> assertThat(l).hasSize(1))
                .hasEntrySatisfying(UserId.of("nobody"), l -> assertThat(l).isEmpty());
        presence.heartbeatNode(n2, T0.plusSeconds(5));
        assertThat(presence.release(ConnectionId.of("c2"), second.lease().generation(), T0.plusSeconds(10)))
                .isPresent();
        PresenceStore.SweepResult swept = presence.sweep(T0.plusSeconds(20), T0.plusSeconds(30), 100);
        assertThat(swept.purged()).extracting(r -> r.lease().connection().value()).containsExactly("c3");
        assertThat(swept.wentOffline()).containsExactly(alice);

        RedisProximityIndex index = stores.index();
        for (int i = 0; i < 64; i++) {
            index.upsert(UserId.of("g" + i), GeoPoint.ofLatLon(48.85 + i * 1e-3, 2.35), T0);
        }
        index.upsert(UserId.of("g0"), GeoPoint.ofLatLon(89.5, 10), T0.plusSeconds(1)); // into the polar store
        index.upsertAll(Map.of(UserId.of("g0"), GeoPoint.ofLatLon(48.8, 2.3), UserId.of("g1"),
                GeoPoint.ofLatLon(-89.9, 0)), T0.plusSeconds(2));
        assertThat(index.size()).isEqualTo(64);
        assertThat(index.candidates(GeoPoint.ofLatLon(48.85, 2.35), 10_000, 5)).hasSize(5);
        assertThat(index.remove(UserId.of("g1"))).isTrue();
        assertThat(index.removeObservedBefore(T0.plusSeconds(1), 1_000)).hasSize(62);
        assertThat(index.size()).isEqualTo(1);

        assertThat(stores.limits().tryAcquire("geo.nearby:alice", 1, 1, T0)).isZero();
        assertThat(stores.limits().tryAcquire("geo.nearby:alice", 1, 1, T0)).isPositive();

        RedisRatingStore ratings = stores.ratings();
        for (int i = 0; i < 64; i++) {
            RatingKey key = RatingKey.of(SessionId.of("s" + i), alice, UserId.of("r" + i));
            RatingState state = i % 2 == 0 ? RatingState.REVEALED : RatingState.SEALED;
            Rating r = Rating.create(key, 4, Set.of("kind"), "thanks", null, state, T0, T0.plusSeconds(60));
            assertThat(ratings.insertIfAbsent(r)).isInstanceOf(dev.vicinity.rating.spi.RatingStore.InsertResult.Inserted.class);
            if (i < 4) {
                Rating revealed = new Rating(key, 5, r.tags(), null, null, RatingState.REVEALED, T0, r.revealAt(),
                        T0.plusSeconds(1), 2);
                assertThat(ratings.compareAndSet(1, revealed)).isTrue();
            }
        }
        UserId r0 = UserId.of("r0");
        assertThat(ratings.snapshot(r0).ratings()).hasSize(1);
        StarHistogram current = ratings.aggregate(r0);
        assertThat(ratings.replaceAggregate(r0, current, current)).isTrue();

        RedisLocationStore locations = stores.locations();
        for (int i = 0; i < 64; i++) {
            UserId u = UserId.of("l" + i);
            assertThat(locations.compareAndSet(0, new PublicLocation(u, GeoPoint.ofLatLon(1, 2),
                    LocationSource.PRECISE, 50, T0))).isPresent();
            if (i < 4) {
                assertThat(locations.remove(u, 1)).isTrue();
            }
        }

        RedisBlockList blocks = stores.blocks();
        assertThat(blocks.block(alice, bob)).isTrue();
        assertThat(blocks.blockedEitherWay(bob)).containsExactly(alice);
        assertThat(blocks.unblock(alice, bob)).isTrue();

        CachedRatingStore cache = stores.cache();
        for (int i = 0; i < 16; i++) {
            UserId ratee = UserId.of("cached" + i);
            cache.insertIfAbsent(Rating.create(RatingKey.of(SessionId.of("cs" + i), alice, ratee), 3, Set.of(), null,
                    null, RatingState.REVEALED, T0, T0));
            assertThat(cache.aggregate(ratee)).isEqualTo(StarHistogram.EMPTY.plus(3));
        }
        assertThat(cache.platformAggregate().count()).isEqualTo(16);
    }
}
