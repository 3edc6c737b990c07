package dev.vicinity.redis.internal;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Objects;

/**
 * The synchronous and asynchronous command views of the host's connection, either a standalone
 * {@link StatefulRedisConnection} or a {@link StatefulRedisClusterConnection} (which routes each command,
 * and each script by its first key, to the node serving the slot). Immutable; thread-safe as Lettuce
 * connections are.
 *
 * @param sync the synchronous commands
 * @param async the asynchronous commands, for pipelining
 */
public record Commands(RedisClusterCommands<String, String> sync, RedisClusterAsyncCommands<String, String> async) {

    /**
     * Checks that {@code sync}, {@code async} are not null.
     * @throws NullPointerException if a required component is null
     */
    public Commands {
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(async, "async");
    }

    /** The views of a standalone (or sentinel/replica) connection. */
    public static Commands of(StatefulRedisConnection<String, String> connection) {
        Objects.requireNonNull(connection, "connection");
        return new Commands(connection.sync(), connection.async());
    }

    /** The views of a Redis Cluster connection. */
    public static Commands of(StatefulRedisClusterConnection<String, String> connection) {
        Objects.requireNonNull(connection, "connection");
        return new Commands(connection.sync(), connection.async());
    }
}
