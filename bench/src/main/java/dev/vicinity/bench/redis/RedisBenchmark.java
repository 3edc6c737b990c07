package dev.vicinity.bench.redis;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.redis.RedisEventBus;
import dev.vicinity.redis.RedisProximityIndex;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.GeoWithin;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Redis adapter against raw Redis in the same run, on the Redis at {@code VICINITY_REDIS_URL}
 * (default {@code redis://127.0.0.1:6379}), under a private key prefix that is deleted afterwards:
 * <ul>
 *   <li>{@code nearbyAdapter} vs {@code nearbyNaiveGeosearch}: 50 nearest within 5 km among
 *       {@code users} in a 40×40 km city (adapter: cells + expanding radius; naive: one
 *       {@code GEOSEARCH … BYRADIUS 5 km ASC COUNT 50} on one key holding everyone);</li>
 *   <li>{@code busPublish} vs {@code rawPipelinedPublish}: 1,000 events published and all received by
 *       a subscriber, per invocation;</li>
 *   <li>{@code locationUpsertBatch} vs {@code rawPipelinedGeoadd}: 1,000 location updates per invocation.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisBenchmark {
    private static final double LAT0 = 52.34;
    private static final double LON0 = 13.10;
    private static final double DLAT = 40_000 / 111_195.0;
    private static final double DLON = DLAT / Math.cos(Math.toRadians(LAT0 + DLAT / 2));
    private static final int BATCH = 1_000;

    @Param("1000000")
    public int users;

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private StatefulRedisConnection<String, byte[]> rawPublisher;
    private StatefulRedisPubSubConnection<String, byte[]> rawSubscriber;
    private RedisEventBus publisherBus;
    private RedisEventBus subscriberBus;
    private RedisProximityIndex index;
    private String prefix;
    private String naiveKey;
    private final AtomicLong busReceived = new AtomicLong();
    private final AtomicLong rawReceived = new AtomicLong();
    private final SplittableRandom rnd = new SplittableRandom(7);
    private final byte[] payload = new byte[64];
    private int nextUser;

    @Setup(Level.Trial)
    public void setUp() {
        String url = System.getenv().getOrDefault("VICINITY_REDIS_URL", "redis://127.0.0.1:6379");
        client = RedisClient.create(url);
        connection = client.connect();
        prefix = "vicinity-bench-" + System.nanoTime();
        naiveKey = prefix + ":naive";
        index = RedisProximityIndex.builder(connection).keyPrefix(prefix).build();
        SplittableRandom load = new SplittableRandom(1);
        Instant now = Instant.now();
        for (int start = 0; start < users; start += 10_000) {
            Map<UserId, GeoPoint> batch = new HashMap<>();
            List<RedisFuture<Long>> raw = new ArrayList<>();
            for (int i = start; i < Math.min(users, start + 10_000); i++) {
                double lat = LAT0 + load.nextDouble() * DLAT;
                double lon = LON0 + load.nextDouble() * DLON;
                batch.put(UserId.of("u" + i), GeoPoint.ofLatLon(lat, lon));
                raw.add(connection.async().geoadd(naiveKey, lon, lat, "u" + i));
            }
            index.upsertAll(batch, now);
            raw.forEach(f -> await(f));
        }
        RedisCodec<String, byte[]> codec = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
        rawPublisher = client.connect(codec);
        rawSubscriber = client.connectPubSub(codec);
        rawSubscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String channel, byte[] message) {
                rawReceived.incrementAndGet();
            }
        });
        rawSubscriber.sync().ssubscribe(prefix + ":raw");
        publisherBus = RedisEventBus.builder(client).build();
        subscriberBus = RedisEventBus.builder(client).build();
        subscriberBus.subscribe(prefix + ":bus", (t, p) -> busReceived.incrementAndGet());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        publisherBus.close();
        subscriberBus.close();
        rawSubscriber.close();
        rawPublisher.close();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(1000));
            if (!page.getKeys().isEmpty()) {
                connection.sync().unlink(page.getKeys().toArray(new String[0]));
            }
            cursor = page;
        } while (!cursor.isFinished());
        connection.close();
        client.shutdown();
    }

    private GeoPoint randomCenter() {
        return GeoPoint.ofLatLon(LAT0 + rnd.nextDouble() * DLAT, LON0 + rnd.nextDouble() * DLON);
    }

    @Benchmark
    public List<Candidate> nearbyAdapter() {
        return index.candidates(randomCenter(), 5_000, 50);
    }

    @Benchmark
    public List<GeoWithin<String>> nearbyNaiveGeosearch() {
        GeoPoint c = randomCenter();
        return connection.sync().geosearch(naiveKey, GeoSearch.fromCoordinates(c.lon(), c.lat()),
                GeoSearch.byRadius(5_000, GeoArgs.Unit.m), new GeoArgs().withCoordinates().asc().withCount(50));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long busPublish() {
        long target = busReceived.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            publisherBus.publish(prefix + ":bus", payload);
        }
        while (busReceived.get() < target) {
            LockSupport.parkNanos(50_000); // not a spin: on 2 cores it would steal the CPU of the I/O threads
        }
        return target;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long rawPipelinedPublish() {
        long target = rawReceived.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            rawPublisher.async().spublish(prefix + ":raw", payload);
        }
        while (rawReceived.get() < target) {
            LockSupport.parkNanos(50_000); // not a spin: on 2 cores it would steal the CPU of the I/O threads
        }
        return target;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void locationUpsertBatch() {
        Map<UserId, GeoPoint> batch = new HashMap<>();
        for (int i = 0; i < BATCH; i++) {
            batch.put(UserId.of("u" + (nextUser++ % users)), randomCenter());
        }
        index.upsertAll(batch, Instant.now());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void rawPipelinedGeoadd() {
        List<RedisFuture<Long>> futures = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            GeoPoint p = randomCenter();
            futures.add(connection.async().geoadd(naiveKey, p.lon(), p.lat(), "u" + (nextUser++ % users)));
        }
        futures.forEach(f -> await(f));
    }

    private static <T> T await(RedisFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
