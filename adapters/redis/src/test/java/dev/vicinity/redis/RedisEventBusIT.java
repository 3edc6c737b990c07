package dev.vicinity.redis;

import dev.vicinity.core.spi.EventBus;
import dev.vicinity.testkit.Capability;
import dev.vicinity.testkit.EventBusContract;
import dev.vicinity.testkit.TestServers;
import io.lettuce.core.RedisClient;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The event bus contract against the real Redis server; the peer is a second bus, as on another node. */
class RedisEventBusIT extends EventBusContract {
    private static RedisClient client;

    @BeforeAll
    static void connect() {
        TestServers.requireRedis();
        client = RedisClient.create(TestServers.redisUri());
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    @Override
    protected EventBus create() {
        return RedisEventBus.builder(client).build();
    }

    @Override
    protected EventBus createPeer(EventBus first) {
        return RedisEventBus.builder(client).build();
    }

    @Override
    protected void release(EventBus bus) {
        ((RedisEventBus) bus).close();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.INJECTED_TIME, Capability.SHARED_BETWEEN_INSTANCES);
    }
}
