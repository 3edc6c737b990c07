package dev.vicinity.redis;

import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.testkit.ResumeStoreContract;
import dev.vicinity.testkit.TestServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class RedisResumeStoreIT extends ResumeStoreContract {
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void connect() {
        TestServers.requireRedis();
        client = RedisClient.create(TestServers.redisUri());
        connection = client.connect();
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            connection.close();
            client.shutdown();
        }
    }

    @Override
    protected ResumeStore createStore() {
        return RedisResumeStore.create(connection, "vicinity-it");
    }
}
