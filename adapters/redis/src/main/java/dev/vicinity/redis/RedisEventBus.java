package dev.vicinity.redis;

import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.EventHandler;
import dev.vicinity.core.spi.LocalSubscribers;
import dev.vicinity.core.spi.Subscription;
import dev.vicinity.redis.internal.RedisSupport;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventBus} over Redis pub/sub (Lettuce). Uses sharded pub/sub ({@code SPUBLISH} /
 * {@code SSUBSCRIBE}) when the server supports it (Redis 7+) unless configured otherwise, so a
 * cluster spreads channels over its shards; classic {@code PUBLISH}/{@code SUBSCRIBE} otherwise.
 *
 * <p>It owns two connections made from the host's {@link RedisClient}: one for publishing, one for
 * subscriptions. Lettuce reconnects both by itself and re-subscribes the channels after a reconnect,
 * so recovery from an outage needs no restart. {@link #health()} is unhealthy while either
 * connection is down, and every change is reported to the listener.
 *
 * <p>Delivery is at most once: events published while Redis is unreachable are dropped (counted in
 * {@link #droppedWhileDown()}), never buffered without bound. Several local subscriptions to one
 * topic share one Redis subscription; handlers run in arrival order on one dispatch thread of this
 * bus (not Lettuce's I/O thread) and should be fast. A throwing handler is logged and stays subscribed. Thread-safe. {@link #close()} closes the
 * connections it made (not the client).
 */
public final class RedisEventBus implements EventBus, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisEventBus.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** Whether to use sharded pub/sub. */
    public enum Sharding {
        /** Sharded when the server's version is 7 or newer (default). */
        AUTO,
        /** Always sharded (fails on servers before 7). */
        ON,
        /** Always classic pub/sub. */
        OFF
    }

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> publisher;
    private final StatefulRedisPubSubConnection<String, byte[]> subscriber;
    private final boolean sharded;
    private final Clock clock;
    private final VicinityListener listener;
    private final Duration commandTimeout;
    private final LocalSubscribers subscribers = new LocalSubscribers(this::lastLocalSubscriptionClosed);
    private final AtomicReference<BusHealth> health;
    private final AtomicLong dropped = new AtomicLong();
    private final RedisConnectionStateListener stateListener;
    private final Object subscriptionLock = new Object();
    /**
     * Handlers run here, in arrival order, never on Lettuce's I/O thread: a handler that subscribes
     * (chat does when it learns of a session) or is slow cannot stall Redis traffic.
     */
    private final java.util.concurrent.ExecutorService dispatcher;
    private volatile @Nullable Thread dispatchThread;
    /** Events received and not yet dispatched, in arrival order (one consumer: the dispatch thread). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Inbound> inbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Whether a drain task is scheduled or running; one wake-up of the dispatch thread per burst. */
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();

    @SuppressWarnings("ArrayRecordComponent") // private hand-off of a received message; never compared
    private record Inbound(String channel, byte[] message) {}

    private RedisEventBus(Builder b) {
        this.client = b.client;
        this.clock = b.clock;
        this.listener = VicinityListener.isolating(b.listener);
        this.commandTimeout = b.commandTimeout;
        this.publisher = b.uri == null ? client.connect(CODEC) : client.connect(CODEC, b.uri);
        this.subscriber = b.uri == null ? client.connectPubSub(CODEC) : client.connectPubSub(CODEC, b.uri);
        this.sharded = switch (b.sharding) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> serverMajorVersion() >= 7;
        };
        this.health = new AtomicReference<>(new BusHealth(true, describe(true), clock.instant()));
        this.dispatcher = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vicinity-redis-bus-dispatch");
            t.setDaemon(true);
            dispatchThread = t;
            return t;
        });
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                enqueue(channel, message);
            }

            @Override
            public void smessage(String channel, byte[] message) {
                enqueue(channel, message);
            }
        });
        this.stateListener = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (ours(connection)) {
                    refreshHealth();
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (ours(connection)) {
                    refreshHealth();
                }
            }
        };
        client.addListener(stateListener);
        LOG.info("Redis event bus connected ({} pub/sub)", sharded ? "sharded" : "classic");
    }

    /**
     * Called on Lettuce's I/O thread: queues the event and, unless a drain is already scheduled,
     * schedules one, so a burst of events costs one hand-off to the dispatch thread, not one each.
     */
    private void enqueue(String channel, byte[] message) {
        inbox.add(new Inbound(channel, message));
        if (draining.compareAndSet(false, true)) {
            try {
                dispatcher.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                draining.set(false); // the bus is closed: nothing is delivered any more
            }
        }
    }

    /** On the dispatch thread: delivers queued events in order until the queue stays empty. */
    private void drain() {
        do {
            Inbound m;
            while ((m = inbox.poll()) != null) {
                try {
                    subscribers.dispatch(m.channel(), m.message());
                } catch (RuntimeException e) {
                    LOG.warn("dispatch of an event on {} failed", m.channel(), e);
                }
            }
            draining.set(false);
            // An event queued after the last poll but before the flag was cleared saw it set and did
            // not schedule a drain: take it here (unless a new drain has been scheduled meanwhile).
        } while (!inbox.isEmpty() && draining.compareAndSet(false, true));
    }

    /** Starts a builder on the host's client (the client stays owned by the host). */
    public static Builder builder(RedisClient client) {
        return new Builder(client);
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // at-most-once by contract; a lost connection shows in health()
    public void publish(String topic, byte[] payload) {
        LocalSubscribers.checkTopic(topic);
        Objects.requireNonNull(payload, "payload");
        if (!publisher.isOpen()) {
            dropped.incrementAndGet();
            refreshHealth();
            return;
        }
        if (sharded) {
            publisher.async().spublish(topic, payload);
        } else {
            publisher.async().publish(topic, payload);
        }
    }

    @Override
    public Subscription subscribe(String topic, EventHandler handler) {
        LocalSubscribers.Added added;
        synchronized (subscriptionLock) {
            added = subscribers.add(topic, handler);
            if (added.first()) {
                try {
                    var pending = sharded ? subscriber.async().ssubscribe(topic) : subscriber.async().subscribe(topic);
                    // Wait for the server's confirmation, except on the dispatch thread (a handler
                    // subscribing): waiting there would hold up every other event.
                    if (Thread.currentThread() != dispatchThread) {
                        pending.get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (Exception e) {
                    // Lettuce re-subscribes registered channels when it reconnects; the subscription
                    // stays registered locally and will receive events once Redis is back.
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    LOG.warn("subscribing to {} did not complete now; will resubscribe on reconnect", topic, e);
                }
            }
        }
        return added.subscription();
    }

    /** Drops the Redis subscription of a topic nobody here listens to any more (re-checked under the lock). */
    @SuppressWarnings("FutureReturnValueIgnored") // best effort: a failed unsubscribe only leaves an unused subscription
    private void lastLocalSubscriptionClosed(String topic) {
        synchronized (subscriptionLock) {
            if (!subscribers.has(topic) && subscriber.isOpen()) {
                if (sharded) {
                    subscriber.async().sunsubscribe(topic);
                } else {
                    subscriber.async().unsubscribe(topic);
                }
            }
        }
    }

    @Override
    public BusHealth health() {
        refreshHealth();
        return Objects.requireNonNull(health.get());
    }

    /** Whether this bus uses sharded pub/sub. */
    public boolean sharded() {
        return sharded;
    }

    /** Events dropped because Redis was unreachable when they were published. */
    public long droppedWhileDown() {
        return dropped.get();
    }

    /** Closes the two connections this bus opened; subscriptions end. Idempotent. */
    @Override
    public void close() {
        client.removeListener(stateListener);
        subscribers.clear();
        subscriber.close();
        publisher.close();
        dispatcher.shutdown();
    }

    private boolean ours(RedisChannelHandler<?, ?> connection) {
        return connection == publisher || connection == subscriber;
    }

    private void refreshHealth() {
        boolean up = publisher.isOpen() && subscriber.isOpen();
        BusHealth current = Objects.requireNonNull(health.get());
        if (current.healthy() != up) {
            BusHealth next = new BusHealth(up, describe(up), clock.instant());
            if (health.compareAndSet(current, next)) {
                LOG.warn("Redis event bus is now {}", up ? "healthy" : "UNHEALTHY (Redis unreachable)");
                listener.onBusHealthChanged(next);
            }
        }
    }

    private String describe(boolean up) {
        return (up ? "connected" : "disconnected, reconnecting") + " (" + (sharded ? "sharded" : "classic") + " pub/sub)";
    }

    private int serverMajorVersion() {
        try {
            String info = publisher.sync().info("server");
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    return Integer.parseInt(line.substring("redis_version:".length()).trim().split("\\.")[0]);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not read the Redis server version; using classic pub/sub", e);
        }
        return 0;
    }

    /** Options for {@link RedisEventBus}. Not thread-safe. */
    public static final class Builder {
        private final RedisClient client;
        private @Nullable RedisURI uri;
        private Sharding sharding = Sharding.AUTO;
        private Clock clock = Clock.systemUTC();
        private VicinityListener listener = VicinityListener.NO_OP;
        private Duration commandTimeout = RedisSupport.DEFAULT_TIMEOUT;

        private Builder(RedisClient client) {
            this.client = Checks.notNull("client", client);
        }

        /** The server to connect to, if the client was created without a default URI. */
        public Builder uri(RedisURI uri) {
            this.uri = uri;
            return this;
        }

        /** Sharded pub/sub mode (default {@link Sharding#AUTO}). */
        public Builder sharding(Sharding sharding) {
            this.sharding = Checks.notNull("sharding", sharding);
            return this;
        }

        /** Clock for health timestamps (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** Listener told about health changes (default no-op). */
        public Builder listener(VicinityListener listener) {
            this.listener = Checks.notNull("listener", listener);
            return this;
        }

        /** How long {@link #subscribe} waits for the server's confirmation (default 2 s). */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = RedisSupport.checkTimeout(timeout);
            return this;
        }

        /** Connects (two connections) and returns the bus. */
        public RedisEventBus build() {
            return new RedisEventBus(this);
        }
    }
}
