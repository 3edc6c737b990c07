package dev.vicinity.redis;

import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.testkit.PresenceStoreContract;
import dev.vicinity.testkit.geo.BlockListContract;
import dev.vicinity.testkit.geo.LocationStoreContract;
import dev.vicinity.testkit.geo.ProximityIndexContract;
import dev.vicinity.testkit.rating.RatingStoreContract;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The testkit's contract suites of every keyed store, unchanged, on a private three-node Redis Cluster
 * through Lettuce's cluster client (default shard and stripe counts, so operations land on all nodes).
 * A script whose keys were in two slots would fail here with {@code CROSSSLOT}; one routed to the wrong
 * node with {@code MOVED}. Each test works under its own key prefix; the cluster is deleted at the end.
 */
class RedisClusterContractsIT {
    private static LocalRedisCluster cluster;
    private static RedisClusterClient client;
    private static StatefulRedisClusterConnection<String, String> connection;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalRedisCluster(3);
        client = RedisClusterClient.create(cluster.uri());
        connection = client.connect();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String prefix(String what) {
        return RedisTestSupport.newPrefix(what);
    }

    @Nested
    class Presence extends PresenceStoreContract {
        private String prefix;

        @Override
        protected PresenceStore createStore() {
            prefix = prefix("presence");
            return RedisPresenceStore.builder(connection).keyPrefix(prefix).build();
        }

        @Override
        protected ResumeStore createResumeStore() {
            return RedisResumeStore.create(connection, prefix);
        }
    }

    @Nested
    class Proximity extends ProximityIndexContract {
        @Override
        protected ProximityIndex createIndex() {
            return RedisProximityIndex.builder(connection).keyPrefix(prefix("geo")).initialRadiusMeters(200).build();
        }
    }

    @Nested
    class Locations extends LocationStoreContract {
        @Override
        protected LocationStore createStore() {
            return RedisLocationStore.builder(connection).keyPrefix(prefix("location")).build();
        }
    }

    @Nested
    class Ratings extends RatingStoreContract {
        @Override
        protected RatingStore createStore() {
            return RedisRatingStore.builder(connection).keyPrefix(prefix("rating")).build();
        }
    }

    @Nested
    class Blocks extends BlockListContract {
        @Override
        protected BlockList createBlockList() {
            return RedisBlockList.builder(connection).keyPrefix(prefix("block")).build();
        }
    }
}
