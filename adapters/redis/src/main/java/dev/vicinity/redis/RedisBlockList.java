package dev.vicinity.redis;

import dev.vicinity.redis.internal.Commands;
import dev.vicinity.redis.internal.RedisSupport;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.redis.internal.LuaScript;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link BlockList} in Redis: per user a set of users they block ({@code <prefix>:block:{b}:out:<user>})
 * and a set of users who block them ({@code …:in:<user>}). {@link #block} and {@link #unblock} update both
 * sets in one Lua script, so the two directions never disagree; both are idempotent.
 *
 * <p>All block keys share the hash tag {@code {b}} (one slot): block lists are small and a block must
 * change two users' sets atomically. Costs: writes O(1), one round trip; {@link #blocking},
 * {@link #blockedBy} O(size), one round trip; {@link #blockedEitherWay} one {@code SUNION};
 * {@link #isBlocked} two pipelined {@code SISMEMBER}. Thread-safe; the host owns the connection.
 * Connection failures are {@link BackendUnavailableException}.
 */
public final class RedisBlockList implements BlockList {
    private final LuaScript set = LuaScript.load(RedisBlockList.class, "block-set.lua");

    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;
    private final String prefix;
    private final long timeoutMillis;

    private RedisBlockList(Builder b) {
        this.sync = b.commands.sync();
        this.async = b.commands.async();
        this.prefix = b.keyPrefix + ":block:{b}:";
        this.timeoutMillis = b.commandTimeout.toMillis();
    }

    /** Starts a builder on the host's connection (it stays owned by the host). */
    public static Builder builder(StatefulRedisConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    /**
     * Starts a builder on the host's Redis Cluster connection (it stays owned by the host): every command
     * and script goes to the node serving its slot.
     */
    public static Builder builder(StatefulRedisClusterConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    @Override
    public boolean block(UserId blocker, UserId blocked) {
        return write(blocker, blocked, "1");
    }

    @Override
    public boolean unblock(UserId blocker, UserId blocked) {
        return write(blocker, blocked, "0");
    }

    @Override
    public Set<UserId> blocking(UserId user) {
        return read(() -> sync.smembers(prefix + "out:" + Objects.requireNonNull(user, "user").value()));
    }

    @Override
    public Set<UserId> blockedBy(UserId user) {
        return read(() -> sync.smembers(prefix + "in:" + Objects.requireNonNull(user, "user").value()));
    }

    /** One {@code SUNION} of both directions. */
    @Override
    public Set<UserId> blockedEitherWay(UserId user) {
        Objects.requireNonNull(user, "user");
        return read(() -> sync.sunion(prefix + "out:" + user.value(), prefix + "in:" + user.value()));
    }

    /** Two pipelined {@code SISMEMBER}, one round trip. */
    @Override
    public boolean isBlocked(UserId a, UserId b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        RedisFuture<Boolean> out = async.sismember(prefix + "out:" + a.value(), b.value());
        RedisFuture<Boolean> in = async.sismember(prefix + "in:" + a.value(), b.value());
        return await(out) || await(in);
    }

    private boolean write(UserId blocker, UserId blocked, String add) {
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(blocked, "blocked");
        Long r = set.run(sync, ScriptOutputType.INTEGER,
                new String[] {prefix + "out:" + blocker.value(), prefix + "in:" + blocked.value()},
                blocker.value(), blocked.value(), add);
        return r == 1L;
    }

    private interface Members {
        Set<String> get();
    }

    private static Set<UserId> read(Members members) {
        Set<String> raw;
        try {
            raw = members.get();
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable reading blocks", e);
        }
        Set<UserId> out = new HashSet<>(raw.size() * 2);
        for (String m : raw) {
            out.add(UserId.of(m));
        }
        return Set.copyOf(out);
    }

    private boolean await(RedisFuture<Boolean> f) {
        try {
            return Boolean.TRUE.equals(f.get(timeoutMillis, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while reading blocks", e);
        } catch (ExecutionException | TimeoutException | RedisException e) {
            throw new BackendUnavailableException("Redis unavailable reading blocks", e);
        }
    }

    /** Options for {@link RedisBlockList}. Not thread-safe. */
    public static final class Builder extends RedisStoreBuilder<Builder> {

        private Builder(Commands commands) {
            super(commands, RedisSupport.DEFAULT_TIMEOUT);
        }

        /** @throws IllegalArgumentException for a bad prefix or timeout */
        public RedisBlockList build() {
            checkShared();
            return new RedisBlockList(this);
        }
    }
}
