package dev.vicinity.redis;

import dev.vicinity.redis.internal.Commands;
import dev.vicinity.redis.internal.RedisSupport;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.ResumeStore;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link ResumeStore} in Redis: one string key per token holding the ticket and its expiry; Redis
 * also expires the key ({@code PXAT}) so abandoned tokens vanish by themselves. {@link #take} is one
 * {@code GETDEL}, atomic across nodes. Expiry decisions use the caller's instants (the injected clock);
 * the server-side expiry is only garbage collection and lies at least as late. Every command waits
 * at most the command timeout (default 2 s, whatever the connection's own timeout) and then fails
 * with the retryable {@link BackendUnavailableException}. Thread-safe.
 */
public final class RedisResumeStore implements ResumeStore {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String prefix;
    private final long timeoutMillis;

    private RedisResumeStore(Commands commands, String keyPrefix, Duration commandTimeout) {
        this.redis = commands.async();
        this.prefix = keyPrefix + ":resume:";
        this.timeoutMillis = RedisSupport.checkTimeout(commandTimeout).toMillis();
    }

    /** A store on the host's connection with key prefix {@code vicinity}. */
    public static RedisResumeStore create(StatefulRedisConnection<String, String> connection) {
        return create(connection, "vicinity");
    }

    /** A store on the host's connection with the given key prefix and the default command timeout (2 s). */
    public static RedisResumeStore create(StatefulRedisConnection<String, String> connection, String keyPrefix) {
        return create(connection, keyPrefix, RedisSupport.DEFAULT_TIMEOUT);
    }

    /**
     * A store on the host's connection with the given key prefix, waiting at most
     * {@code commandTimeout} for each command.
     *
     * @throws IllegalArgumentException for a bad prefix or a timeout that is not positive
     */
    public static RedisResumeStore create(StatefulRedisConnection<String, String> connection, String keyPrefix,
                                          Duration commandTimeout) {
        return builder(connection).keyPrefix(keyPrefix).commandTimeout(commandTimeout).build();
    }

    /** A store on the host's Redis Cluster connection with the given key prefix. */
    public static RedisResumeStore create(StatefulRedisClusterConnection<String, String> connection, String keyPrefix) {
        return builder(connection).keyPrefix(keyPrefix).build();
    }

    /** Options for a store on the host's standalone (or sentinel/replica) connection. */
    public static Builder builder(StatefulRedisConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    /** Options for a store on the host's Redis Cluster connection. */
    public static Builder builder(StatefulRedisClusterConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    /** Options for {@link RedisResumeStore}: key prefix and command timeout (default 2 s). Not thread-safe. */
    public static final class Builder extends RedisStoreBuilder<Builder> {
        private Builder(Commands commands) {
            super(commands, RedisSupport.DEFAULT_TIMEOUT);
        }

        /** @throws IllegalArgumentException for a bad prefix or timeout */
        public RedisResumeStore build() {
            checkShared();
            return new RedisResumeStore(commands, keyPrefix, commandTimeout);
        }
    }

    @Override
    public void put(String token, Ticket ticket, Instant expiresAt) {
        String value = String.join("|", ticket.connection().value(), ticket.user().value(), ticket.device().value(),
                ticket.node().value(), Long.toString(ticket.generation()), Long.toString(expiresAt.toEpochMilli()));
        try {
            // Server-side expiry a little later than the logical one: the caller's clock decides.
            long gcAt = Math.max(expiresAt.toEpochMilli(), System.currentTimeMillis()) + 60_000;
            RedisSupport.awaitRaw(redis.set(prefix + token, value, SetArgs.Builder.pxAt(gcAt)), timeoutMillis);
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable storing a resume token", e);
        }
    }

    @Override
    public Optional<Ticket> take(String token, Instant now) {
        String value;
        try {
            value = RedisSupport.awaitRaw(redis.getdel(prefix + token), timeoutMillis);
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable taking a resume token", e);
        }
        if (value == null) {
            return Optional.empty();
        }
        String[] f = value.split("\\|", -1);
        if (Long.parseLong(f[5]) <= now.toEpochMilli()) {
            return Optional.empty();
        }
        return Optional.of(new Ticket(ConnectionId.of(f[0]), UserId.of(f[1]), DeviceId.of(f[2]), NodeId.of(f[3]),
                Long.parseLong(f[4])));
    }

    @Override
    public void remove(String token) {
        try {
            RedisSupport.awaitRaw(redis.del(prefix + token), timeoutMillis);
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable removing a resume token", e);
        }
    }
}
