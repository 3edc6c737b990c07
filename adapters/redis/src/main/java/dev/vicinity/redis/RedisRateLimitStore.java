package dev.vicinity.redis;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.redis.internal.Commands;
import dev.vicinity.redis.internal.LuaScript;
import dev.vicinity.redis.internal.RedisSupport;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Cluster-wide {@link RateLimitStore}: each bucket is one Redis hash {@code <prefix>:rl:<key>}
 * (tokens and last refill time), taken by one Lua script that declares its only key, so it is atomic
 * and runs on the node of that key's slot on Redis Cluster. Every node of the application shares the
 * buckets, so a client spreading its requests over N nodes gets the budget of one. A bucket key expires
 * once the bucket would be full again, so idle keys cost nothing.
 *
 * <p>Time is the caller's {@code now} (microseconds), never the Redis server's; a bucket never goes
 * back in time, so nodes with slightly skewed clocks cannot mint tokens (a node running behind
 * refills nothing until its clock passes the bucket's last refill).
 *
 * <p>Thread-safe (Lettuce connections are); one round trip per call. Connection failures surface as
 * {@link dev.vicinity.core.BackendUnavailableException}.
 */
public final class RedisRateLimitStore implements RateLimitStore {
    private final LuaScript script = LuaScript.load(RedisRateLimitStore.class, "rate-limit.lua");
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String prefix;
    private final long timeoutMillis;

    private RedisRateLimitStore(Builder b) {
        this.redis = b.commands.async();
        this.prefix = b.keyPrefix + ":rl:";
        this.timeoutMillis = b.commandTimeout.toMillis();
    }

    /** Starts a builder on the host's connection (it stays owned by the host). */
    public static Builder builder(StatefulRedisConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    /** Starts a builder on the host's Redis Cluster connection (it stays owned by the host). */
    public static Builder builder(StatefulRedisClusterConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    @Override
    public Duration tryAcquire(String key, double permitsPerSecond, int burst, Instant now) {
        RateLimitStore.checkArguments(key, permitsPerSecond, burst);
        Objects.requireNonNull(now, "now");
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        Long wait;
        try {
            wait = script.run(redis, timeoutMillis, ScriptOutputType.INTEGER, new String[] {prefix + key},
                    String.format(Locale.ROOT, "%.17g", permitsPerSecond / 1e6), Integer.toString(burst),
                    Long.toString(micros));
        } catch (RedisException e) {
            // A refused script (OOM, READONLY after a failover, BUSY) is an unavailable backend to the caller.
            throw new BackendUnavailableException("Redis refused the rate-limit script", e);
        }
        return wait == null || wait <= 0 ? Duration.ZERO : Duration.ofNanos(wait * 1_000L);
    }

    /** Options for {@link RedisRateLimitStore}. Not thread-safe. */
    public static final class Builder extends RedisStoreBuilder<Builder> {

        private Builder(Commands commands) {
            super(commands, RedisSupport.DEFAULT_TIMEOUT);
        }

        /** @throws IllegalArgumentException for a bad prefix or timeout */
        public RedisRateLimitStore build() {
            checkShared();
            return new RedisRateLimitStore(this);
        }
    }
}
