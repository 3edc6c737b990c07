package dev.vicinity.redis;

import dev.vicinity.testkit.TestServers;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.UUID;

/**
 * Shared connection to the machine's Redis for the ITs of this module (created on first use, closed
 * by the JVM shutdown), unique key prefixes per test and their cleanup. Never flushes anything.
 *
 * <p>The shared connection is wrapped by one {@link ClusterKeyGuard}: every script any IT makes a store
 * run must declare all the keys it touches, in one cluster slot, or the call fails.
 */
final class RedisTestSupport {
    private static final ClusterKeyGuard GUARD = new ClusterKeyGuard();
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> raw;
    private static StatefulRedisConnection<String, String> connection;

    private RedisTestSupport() {}

    /** Fails (CI) or skips unless Redis is reachable, then returns the shared connection. */
    static synchronized StatefulRedisConnection<String, String> connection() {
        TestServers.requireRedis();
        if (connection == null) {
            client = RedisClient.create(TestServers.redisUri());
            raw = client.connect();
            connection = GUARD.wrap(raw);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                raw.close();
                client.shutdown();
            }));
        }
        return connection;
    }

    /** {@code connection} wrapped by the guard every IT shares (see {@link ClusterKeyGuard}). */
    static StatefulRedisConnection<String, String> guarded(StatefulRedisConnection<String, String> connection) {
        return GUARD.wrap(connection);
    }

    /** The shared client (after {@link #connection()}). */
    static synchronized RedisClient client() {
        connection();
        return client;
    }

    /** A key prefix no other test uses. */
    static String newPrefix(String what) {
        return "vicinity-it-" + what + "-" + UUID.randomUUID();
    }

    /** Deletes every key under {@code prefix}. */
    static void deleteKeys(String prefix) {
        deleteKeys(connection().sync(), prefix);
    }

    static void deleteKeys(RedisCommands<String, String> redis, String prefix) {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(1000));
            List<String> keys = page.getKeys();
            if (!keys.isEmpty()) {
                redis.unlink(keys.toArray(new String[0]));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }
}
