package dev.vicinity.redis;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis Cluster of this test alone: {@code n} private cluster-enabled {@code redis-server} masters on
 * free loopback ports, the 16384 slots split evenly between them, joined with {@code CLUSTER MEET}.
 * Closing stops and deletes them all.
 */
final class LocalRedisCluster implements AutoCloseable {
    private final List<PrivateRedisServer> servers = new ArrayList<>();
    private final RedisClient admin = RedisClient.create();
    private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

    LocalRedisCluster(int n) throws Exception {
        try {
            for (int i = 0; i < n; i++) {
                PrivateRedisServer s = new PrivateRedisServer("--cluster-enabled", "yes", "--cluster-config-file",
                        "nodes.conf", "--cluster-node-timeout", "5000");
                servers.add(s);
                s.start();
                connections.add(admin.connect(io.lettuce.core.RedisURI.create(s.uri())));
            }
            for (int i = 0; i < n; i++) {
                int from = SlotHash.SLOT_COUNT * i / n;
                int to = SlotHash.SLOT_COUNT * (i + 1) / n - 1;
                connections.get(i).sync().clusterAddSlotsRange(Range.create(from, to));
                if (i > 0) {
                    connections.get(0).sync().clusterMeet("127.0.0.1", servers.get(i).port());
                }
            }
            for (StatefulRedisConnection<String, String> c : connections) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    String info = c.sync().clusterInfo();
                    return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + n)
                            && info.contains("cluster_slots_ok:" + SlotHash.SLOT_COUNT);
                });
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** A seed URI for a cluster client. */
    String uri() {
        return servers.get(0).uri();
    }

    /** Number of keys on each node, in node order. */
    List<Long> keysPerNode() {
        return connections.stream().map(c -> c.sync().dbsize()).toList();
    }

    @Override
    public void close() throws Exception {
        for (StatefulRedisConnection<String, String> c : connections) {
            c.close();
        }
        admin.shutdown();
        for (PrivateRedisServer s : servers) {
            s.close();
        }
    }
}
