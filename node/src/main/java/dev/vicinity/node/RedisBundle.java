package dev.vicinity.node;

import dev.vicinity.core.VicinityException;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.redis.CachedRatingStore;
import dev.vicinity.redis.RedisEventBus;
import dev.vicinity.redis.RedisPresenceStore;
import dev.vicinity.redis.RedisRateLimitStore;
import dev.vicinity.redis.RedisResumeStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis part of a distributed backend, from one URI, one key prefix and one timeout: presence
 * leases, the event bus between nodes, resume tokens, cluster-wide rate limits, and a cache in front
 * of the durable rating aggregates. Give it to {@link PostgresBackend.Builder#redis(RedisBundle)} (or
 * use {@link Backends#postgresAndRedis}). Needs {@code vicinity-redis} on the class path.
 *
 * <p>Every store waits at most {@link Builder#timeout(Duration) the timeout} per command (the
 * connection's own timeout is set to it too). Every node of a deployment uses the same Redis and key
 * prefix. Owns its client and connections; {@link #close()} shuts them down. Thread-safe.
 */
public final class RedisBundle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBundle.class);

    private final String prefix;
    private final Duration timeout;
    private final String address;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisPresenceStore presence;
    private final RedisEventBus bus;
    private final RedisResumeStore resumes;
    private final RedisRateLimitStore rateLimits;
    private final Deque<AutoCloseable> owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisBundle(Builder b, String address, StatefulRedisConnection<String, String> connection,
                        RedisEventBus bus, Deque<AutoCloseable> owned) {
        this.prefix = b.keyPrefix;
        this.timeout = b.timeout;
        this.address = address;
        this.connection = connection;
        this.bus = bus;
        this.owned = owned;
        this.presence = RedisPresenceStore.builder(connection).keyPrefix(prefix).commandTimeout(timeout).build();
        this.resumes = RedisResumeStore.create(connection, prefix, timeout);
        this.rateLimits = RedisRateLimitStore.builder(connection).keyPrefix(prefix).commandTimeout(timeout).build();
    }

    /**
     * A builder for the Redis at {@code redisUri} ({@code redis://host:6379}, {@code rediss://…},
     * {@code redis://:password@host:port/db}).
     */
    public static Builder builder(String redisUri) {
        return new Builder(Objects.requireNonNull(redisUri, "redisUri"));
    }

    /** The key prefix of every key of every store. */
    public String keyPrefix() {
        return prefix;
    }

    /** The longest wait per command. */
    public Duration timeout() {
        return timeout;
    }

    /** Presence leases and node heartbeats. */
    public RedisPresenceStore presenceStore() {
        return presence;
    }

    /** Pub/sub between nodes. */
    public RedisEventBus eventBus() {
        return bus;
    }

    /** Resume tokens. */
    public RedisResumeStore resumeStore() {
        return resumes;
    }

    /** Cluster-wide token buckets. */
    public RedisRateLimitStore rateLimitStore() {
        return rateLimits;
    }

    /**
     * A cache of {@code durable}'s aggregates on this Redis ({@link CachedRatingStore}); every node must
     * write ratings through such a cache on the same prefix.
     */
    public RatingStore cachedRatings(RatingStore durable) {
        return CachedRatingStore.builder(connection, durable).keyPrefix(prefix).build();
    }

    /** Where it points, for logs (host and port, never a password). */
    public String address() {
        return address;
    }

    /** Closes the bus, the connection and the client. Idempotent; never throws. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll(owned);
        }
    }

    private static void closeAll(Deque<AutoCloseable> owned) {
        AutoCloseable c;
        while ((c = owned.pollFirst()) != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", c, e);
            }
        }
    }

    /** Options of {@link RedisBundle}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final String uri;
        private String keyPrefix = "vicinity";
        private Duration timeout = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();
        private VicinityListener listener = VicinityListener.NO_OP;

        private Builder(String uri) {
            this.uri = uri;
        }

        /** Prefix of every key (default {@code vicinity}); lets several deployments share one server. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Checks.notNull("keyPrefix", keyPrefix);
            return this;
        }

        /** The longest wait for one command of any store (default 2 s, 10 ms .. 1 min). */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.notNull("timeout", timeout);
            return this;
        }

        /** Clock of the bus's health timestamps (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** Listener told about bus health changes (default no-op). */
        public Builder listener(VicinityListener listener) {
            this.listener = Checks.notNull("listener", listener);
            return this;
        }

        /**
         * Connects and builds every store.
         *
         * @throws VicinityException {@link NodeErrorCodes#BACKEND_UNREACHABLE} if Redis does not answer,
         *     naming its address and what to start
         * @throws IllegalArgumentException for a malformed URI, a bad key prefix or timeout
         */
        public RedisBundle build() {
            Checks.between("timeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(1));
            RedisURI redisUri = RedisURI.create(uri);
            redisUri.setTimeout(timeout);
            String address = redisUri.getHost() != null ? redisUri.getHost() + ":" + redisUri.getPort() : "the configured URI";
            Deque<AutoCloseable> owned = new ArrayDeque<>();
            try {
                RedisClient client = RedisClient.create(redisUri);
                owned.push(client::shutdown);
                client.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(timeout)).build());
                StatefulRedisConnection<String, String> connection;
                try {
                    connection = client.connect();
                } catch (RuntimeException e) {
                    throw unreachable(address, e);
                }
                owned.push(connection);
                RedisEventBus bus;
                try {
                    bus = RedisEventBus.builder(client).clock(clock).listener(listener).commandTimeout(timeout).build();
                } catch (RuntimeException e) {
                    throw unreachable(address, e);
                }
                owned.push(bus);
                RedisBundle bundle = new RedisBundle(this, address, connection, bus, owned);
                LOG.info("Redis {} ready (key prefix {})", address, keyPrefix);
                return bundle;
            } catch (RuntimeException e) {
                closeAll(owned);
                throw e;
            }
        }

        private static VicinityException unreachable(String address, RuntimeException e) {
            return new VicinityException(NodeErrorCodes.BACKEND_UNREACHABLE, "Redis is not reachable at " + address
                    + " (" + rootMessage(e) + "): start Redis there (e.g. `redis-server --port 6379`) or fix the"
                    + " Redis URI", e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
