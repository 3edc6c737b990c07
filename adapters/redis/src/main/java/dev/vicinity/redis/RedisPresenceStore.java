package dev.vicinity.redis;

import dev.vicinity.redis.internal.Commands;
import dev.vicinity.redis.internal.RedisSupport;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.Lease;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.redis.internal.LuaScript;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link PresenceStore} in Redis: a hash of leases (connection → user, device, node, generation,
 * expiry), indexed by a sorted set of expiries and by two lexicographic sorted sets
 * ({@code user|connection}, {@code node|connection}); node heartbeats are a sorted set, pending-offline
 * users another, plus a generation counter. Every SPI method is one Lua script, so each is atomic on
 * the server and each removal or offline is reported to exactly one caller, whatever number of nodes
 * sweep.
 *
 * <p>A hash {@code online} keeps, per user, the latest expiry among the user's stored leases; every
 * script that writes a lease keeps it, so {@link #liveAmong} answers a batch with one {@code HMGET}
 * (about a microsecond per user inside Redis, where the lease scripts walk a sorted set per user).
 * After an upgrade from a version without it, a user's entry appears with the next acquire or renewal
 * of one of their leases; until then {@link #liveAmong} counts them offline. Upgrade every node before
 * relying on it: while nodes of the older version still run, the users connected to them count as
 * offline for nearby queries, and a lease such a node releases leaves a stale entry (the user may count
 * as online until that lease's expiry).
 *
 * <p>The store has a fixed set of eight keys, all with the hash tag {@code <prefix>:{presence}:…} (one
 * slot), and every script is given all of them, so it works on Redis Cluster (in one slot) and never
 * touches a key it did not declare. Times are the caller's instants at millisecond precision; the server clock is never
 * used, so the injected clock drives expiry. The host supplies and owns the connection (a
 * {@code StatefulRedisConnection<String, String>} or a {@code StatefulRedisClusterConnection<String, String>}); Lettuce connections are thread-safe, and so is
 * this store. Redis being unreachable, stalled or paused surfaces as {@link BackendUnavailableException}
 * (retryable) after at most the command timeout ({@link Builder#commandTimeout}, default 2 s).
 */
public final class RedisPresenceStore implements PresenceStore {
    private static final String LIB = "presence-lib.lua";
    private final LuaScript acquire = LuaScript.load(RedisPresenceStore.class, LIB, "presence-acquire.lua");
    private final LuaScript renew = LuaScript.load(RedisPresenceStore.class, LIB, "presence-renew.lua");
    private final LuaScript release = LuaScript.load(RedisPresenceStore.class, LIB, "presence-release.lua");
    private final LuaScript leases = LuaScript.load(RedisPresenceStore.class, LIB, "presence-leases.lua");
    private final LuaScript leasesMany = LuaScript.load(RedisPresenceStore.class, LIB, "presence-leases-many.lua");
    private final LuaScript sweep = LuaScript.load(RedisPresenceStore.class, LIB, "presence-sweep.lua");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String[] keys;
    private final long timeoutMillis;

    private RedisPresenceStore(Commands commands, String keyPrefix, Duration commandTimeout) {
        this.redis = commands.async();
        this.keys = keys(keyPrefix);
        this.timeoutMillis = commandTimeout.toMillis();
    }

    /**
     * Every key of the store, in the order the scripts take them (see {@code presence-lib.lua}): leases,
     * exp, byuser, bynode, nodes, pending, gen, online. All share the hash tag {@code {presence}}.
     */
    static String[] keys(String keyPrefix) {
        String p = keyPrefix + ":{presence}:";
        return new String[] {p + "leases", p + "exp", p + "byuser", p + "bynode", p + "nodes", p + "pending", p + "gen",
            p + "online"};
    }

    /** A store on {@code connection} with key prefix {@code vicinity}. */
    public static RedisPresenceStore create(StatefulRedisConnection<String, String> connection) {
        return builder(connection).build();
    }

    /** Starts a builder; the connection is required and stays owned by the caller. */
    public static Builder builder(StatefulRedisConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    /** Starts a builder on the host's Redis Cluster connection (it stays owned by the caller). */
    public static Builder builder(StatefulRedisClusterConnection<String, String> connection) {
        return new Builder(Commands.of(connection));
    }

    @Override
    public Acquired acquire(UserId user, DeviceId device, ConnectionId connection, NodeId node, Instant expiresAt) {
        List<Object> r;
        try {
            r = acquire.run(redis, timeoutMillis, ScriptOutputType.MULTI, keys, user.value(), device.value(),
                    connection.value(), node.value(), Long.toString(expiresAt.toEpochMilli()));
        } catch (RedisCommandExecutionException e) {
            if (String.valueOf(e.getMessage()).contains("VICINITY_LEASE_EXISTS")) {
                throw new IllegalStateException("connection " + connection + " already holds a lease");
            }
            throw new BackendUnavailableException("presence acquire failed: " + e.getMessage(), e);
        }
        long generation = Long.parseLong((String) r.get(0));
        boolean cameOnline = "1".equals(r.get(1));
        List<Lease> replaced = new ArrayList<>();
        for (Object o : (List<?>) r.get(2)) {
            replaced.add(lease((List<?>) o));
        }
        Lease lease = new Lease(user, device, connection, node, generation,
                Instant.ofEpochMilli(expiresAt.toEpochMilli()));
        return new Acquired(lease, replaced, cameOnline);
    }

    @Override
    public Optional<Lease> renew(ConnectionId connection, long generation, Instant expiresAt) {
        List<Object> r = renew.run(redis, timeoutMillis, ScriptOutputType.MULTI, keys, connection.value(),
                Long.toString(generation), Long.toString(expiresAt.toEpochMilli()));
        return r.isEmpty() ? Optional.empty() : Optional.of(lease(r));
    }

    @Override
    public Optional<Removed> release(ConnectionId connection, long generation, Instant offlineAt) {
        List<Object> r = release.run(redis, timeoutMillis, ScriptOutputType.MULTI, keys, connection.value(),
                Long.toString(generation), Long.toString(offlineAt.toEpochMilli()));
        return r.isEmpty() ? Optional.empty() : Optional.of(removed(r));
    }

    @Override
    public List<Lease> leasesOf(UserId user) {
        List<Object> r = leases.run(redis, timeoutMillis, ScriptOutputType.MULTI, keys, user.value());
        List<Lease> out = new ArrayList<>(r.size());
        for (Object o : r) {
            out.add(lease((List<?>) o));
        }
        return out;
    }

    /**
     * One script, so one round trip, for the whole batch (the store's keys share one slot, so this
     * holds on Redis Cluster too).
     */
    @Override
    public Map<UserId, List<Lease>> leasesOf(Collection<UserId> users) {
        Map<UserId, List<Lease>> out = new HashMap<>(Math.max(4, users.size() * 2));
        if (users.isEmpty()) {
            return out;
        }
        List<UserId> asked = new ArrayList<>(users);
        String[] args = new String[asked.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = asked.get(i).value();
        }
        List<Object> r = leasesMany.run(redis, timeoutMillis, ScriptOutputType.MULTI, keys, args);
        for (int i = 0; i < args.length; i++) {
            List<?> mine = (List<?>) r.get(i);
            List<Lease> leases = new ArrayList<>(mine.size());
            for (Object o : mine) {
                leases.add(lease((List<?>) o));
            }
            out.put(asked.get(i), leases);
        }
        return out;
    }

    /**
     * One {@code HMGET} of the {@code online} hash for the whole batch (one round trip, one slot): the
     * users whose latest stored lease expires after {@code now}.
     */
    @Override
    public Set<UserId> liveAmong(Collection<UserId> users, Instant now) {
        Set<UserId> live = new HashSet<>();
        if (users.isEmpty()) {
            return live;
        }
        List<UserId> asked = new ArrayList<>(users);
        String[] fields = new String[asked.size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = asked.get(i).value();
        }
        List<KeyValue<String, String>> r;
        try {
            r = RedisSupport.awaitRaw(redis.hmget(keys[7], fields), timeoutMillis);
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable reading presence", e);
        }
        long nowMillis = now.toEpochMilli();
        for (int i = 0; i < fields.length; i++) {
            KeyValue<String, String> kv = r.get(i);
            if (kv.hasValue() && Long.parseLong(kv.getValue()) > nowMillis) {
                live.add(asked.get(i));
            }
        }
        return live;
    }

    @Override
    public void heartbeatNode(NodeId node, Instant expiresAt) {
        try {
            RedisSupport.awaitRaw(redis.zadd(keys[4], ZAddArgs.Builder.gt(), (double) expiresAt.toEpochMilli(),
                    node.value()), timeoutMillis);
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable for node heartbeat", e);
        }
    }

    @Override
    public SweepResult sweep(Instant now, Instant offlineAt, int limit) {
        List<Object> r = sweep.run(redis, timeoutMillis, ScriptOutputType.MULTI, keys,
                Long.toString(now.toEpochMilli()), Long.toString(offlineAt.toEpochMilli()), Integer.toString(limit));
        List<Removed> expired = new ArrayList<>();
        for (Object o : (List<?>) r.get(0)) {
            expired.add(removed((List<?>) o));
        }
        List<Removed> purged = new ArrayList<>();
        for (Object o : (List<?>) r.get(1)) {
            purged.add(removed((List<?>) o));
        }
        List<UserId> offline = new ArrayList<>();
        for (Object o : (List<?>) r.get(2)) {
            offline.add(UserId.of((String) o));
        }
        return new SweepResult(expired, purged, offline);
    }

    private static Lease lease(List<?> f) {
        return new Lease(UserId.of((String) f.get(1)), DeviceId.of((String) f.get(2)),
                ConnectionId.of((String) f.get(0)), NodeId.of((String) f.get(3)),
                Long.parseLong((String) f.get(4)), Instant.ofEpochMilli(Long.parseLong((String) f.get(5))));
    }

    private static Removed removed(List<?> f) {
        return new Removed(lease(f), "1".equals(f.get(6)));
    }

    /** Options for {@link RedisPresenceStore}. Not thread-safe. */
    public static final class Builder extends RedisStoreBuilder<Builder> {

        private Builder(Commands commands) {
            super(commands, RedisSupport.DEFAULT_TIMEOUT);
        }

        /** @throws IllegalArgumentException if the prefix is blank or contains braces or whitespace, or the timeout is not positive */
        public RedisPresenceStore build() {
            checkShared();
            return new RedisPresenceStore(commands, keyPrefix, commandTimeout);
        }
    }
}
