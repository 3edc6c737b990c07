package dev.vicinity.bench.redis;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.redis.RedisPresenceStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The online check of one distance bucket of a nearby query against the real {@link RedisPresenceStore}
 * (Redis at {@code VICINITY_REDIS_URL}, default {@code redis://127.0.0.1:6379}, private key prefix deleted
 * afterwards): {@code perCandidate} asks {@link PresenceService#isOnline} once per candidate (one Lua
 * script each, what the matcher did before issue 20), {@code batched} asks
 * {@link PresenceService#onlineAmong} once for the bucket (one script). 20,000 users, one in ten
 * connected; {@code candidates} of them make up the bucket.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PresenceBatchBenchmark {
    private static final int USERS = 20_000;

    @Param({"50", "2000"})
    public int candidates;

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private PresenceService presence;
    private String prefix;
    private final List<UserId> bucket = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() {
        String url = System.getenv().getOrDefault("VICINITY_REDIS_URL", "redis://127.0.0.1:6379");
        client = RedisClient.create(url);
        connection = client.connect();
        prefix = "vicinity-bench-presence-" + UUID.randomUUID();
        RedisPresenceStore store = RedisPresenceStore.builder(connection).keyPrefix(prefix).build();
        presence = PresenceService.builder(store, NodeId.of("bench")).clock(Clock.systemUTC())
                .leaseTtl(Duration.ofHours(1)).build();
        for (int i = 0; i < USERS; i += 10) {
            presence.connect(UserId.of("u" + i), DeviceId.of("d"), ConnectionId.of("c" + i));
        }
        for (int i = 0; i < candidates; i++) {
            bucket.add(UserId.of("u" + (i * 7 % USERS)));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
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

    /** One presence round trip per candidate. */
    @Benchmark
    public int perCandidate() {
        int online = 0;
        for (UserId u : bucket) {
            if (presence.isOnline(u)) {
                online++;
            }
        }
        return online;
    }

    /** One presence round trip for the bucket. */
    @Benchmark
    public int batched() {
        return presence.onlineAmong(bucket).size();
    }
}
