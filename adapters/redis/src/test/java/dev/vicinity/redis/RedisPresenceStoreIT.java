package dev.vicinity.redis;

import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.testkit.PresenceStoreContract;
import dev.vicinity.testkit.TestServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The presence contract against the real Redis server. Every test gets its own key prefix; the
 * "peer" store is a second connection on the same prefix, as another node would have.
 */
class RedisPresenceStoreIT extends PresenceStoreContract {
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> first;
    private static StatefulRedisConnection<String, String> second;
    private final List<String> prefixes = new ArrayList<>();

    @BeforeAll
    static void connect() {
        TestServers.requireRedis();
        client = RedisClient.create(TestServers.redisUri());
        first = RedisTestSupport.guarded(client.connect());
        second = RedisTestSupport.guarded(client.connect());
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            first.close();
            second.close();
            client.shutdown();
        }
    }

    @AfterEach
    void deleteKeys() {
        for (String p : prefixes) {
            List<String> keys = first.sync().keys(p + ":*");
            if (!keys.isEmpty()) {
                first.sync().del(keys.toArray(new String[0]));
            }
        }
    }

    @Override
    protected PresenceStore createStore() {
        String prefix = "vicinity-it-" + UUID.randomUUID();
        prefixes.add(prefix);
        return RedisPresenceStore.builder(first).keyPrefix(prefix).build();
    }

    @Override
    protected ResumeStore createResumeStore() {
        return RedisResumeStore.create(first, prefixes.get(prefixes.size() - 1));
    }

    @Override
    protected PresenceStore createPeer(PresenceStore firstStore) {
        return RedisPresenceStore.builder(second).keyPrefix(prefixes.get(prefixes.size() - 1)).build();
    }
}
