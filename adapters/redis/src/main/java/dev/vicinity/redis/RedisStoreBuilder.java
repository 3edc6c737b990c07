package dev.vicinity.redis;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.redis.internal.Commands;
import dev.vicinity.redis.internal.RedisSupport;
import java.time.Duration;

/**
 * What every Redis store builder shares: the connection (a standalone/sentinel
 * {@code StatefulRedisConnection} or a {@code StatefulRedisClusterConnection}: every store accepts both),
 * the key prefix and the per-command timeout, with the same defaults and checks everywhere. Not
 * thread-safe (configure on one thread, then {@code build()}).
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
public abstract class RedisStoreBuilder<B extends RedisStoreBuilder<B>> {
    final Commands commands;
    String keyPrefix = "vicinity";
    Duration commandTimeout;

    RedisStoreBuilder(Commands commands, Duration defaultTimeout) {
        this.commands = commands;
        this.commandTimeout = defaultTimeout;
    }

    /**
     * Prefix of every key (default {@code vicinity}): 1 or more of {@code [A-Za-z0-9._:-]}, no braces
     * (keys carry their own cluster hash tags). Every node of one application uses the same; different
     * prefixes let several deployments share a server.
     */
    public B keyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
        return self();
    }

    /**
     * The longest wait for Redis per command, whatever the connection's own timeout (Lettuce's default
     * is 60 s): a stalled or unreachable server fails the operation with the retryable
     * {@link BackendUnavailableException} after this long instead of holding the caller's thread.
     * Positive; the default is the store's (2 s, or 5 s for the geo stores, whose scripts do more).
     */
    public B commandTimeout(Duration timeout) {
        this.commandTimeout = timeout;
        return self();
    }

    /** Checks the shared settings. @throws IllegalArgumentException for a bad prefix or timeout */
    void checkShared() {
        RedisSupport.checkKeyPrefix(keyPrefix);
        RedisSupport.checkTimeout(commandTimeout);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
