package dev.vicinity.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingAuditStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kills a private, persistent Redis (append-only, fsync always) in the middle of traffic and starts it
 * again on the same data: every rating, index entry and lease whose write was acknowledged before the
 * crash is still there, aggregates still equal a recount, operations fail with the retryable
 * {@link BackendUnavailableException} while it is down and succeed again by themselves afterwards
 * (the fresh server has no scripts: they are reloaded after NOSCRIPT), and the event bus went red,
 * then green, and delivers again without being recreated.
 */
class RedisRestartIT {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final List<UserId> RATEES = List.of(UserId.of("ratee-a"), UserId.of("ratee-b"), UserId.of("ratee-c"));

    @Test
    @Timeout(120)
    void acknowledgedWritesSurviveAKillAndEverythingRecoversByItself() throws Exception {
        try (PrivateRedisServer server = new PrivateRedisServer()) {
            server.start();
            ClientResources resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
            RedisClient client = RedisClient.create(resources, RedisURI.builder().withHost("127.0.0.1")
                    .withPort(server.port()).withTimeout(Duration.ofSeconds(1)).build());
            StatefulRedisConnection<String, String> connection = client.connect();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            List<BusHealth> health = new CopyOnWriteArrayList<>();
            RedisEventBus bus = RedisEventBus.builder(client).listener(new VicinityListener() {
                @Override
                public void onBusHealthChanged(BusHealth h) {
                    health.add(h);
                }
            }).build();
            try {
                RedisRatingStore ratings = RedisRatingStore.builder(connection).keyPrefix("restart").build();
                RedisProximityIndex index = RedisProximityIndex.builder(connection).keyPrefix("restart").build();
                RedisPresenceStore presence = RedisPresenceStore.builder(connection).keyPrefix("restart").build();
                List<Integer> acked = new CopyOnWriteArrayList<>();
                AtomicInteger failures = new AtomicInteger();
                AtomicBoolean stop = new AtomicBoolean();
                Future<?> traffic = pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            ratings.insertIfAbsent(rating(i));
                            index.upsert(UserId.of("g" + i), GeoPoint.ofLatLon(52.5 + i * 1e-5, 13.4), T0);
                            presence.acquire(UserId.of("p" + i), DeviceId.of("d"), ConnectionId.of("c" + i),
                                    NodeId.of("n1"), T0.plusSeconds(3600));
                            acked.add(i);
                        } catch (BackendUnavailableException | RedisException e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                });
                List<String> received = new CopyOnWriteArrayList<>();
                bus.subscribe("restart", (t, p) -> received.add(new String(p, StandardCharsets.UTF_8)));

                await().atMost(Duration.ofSeconds(20)).until(() -> acked.size() >= 50);
                server.kill();
                await().atMost(Duration.ofSeconds(10)).until(() -> !bus.health().healthy());
                await().atMost(Duration.ofSeconds(10)).until(() -> failures.get() >= 1);
                int ackedBeforeRestart = acked.size();

                server.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> bus.health().healthy());
                await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= ackedBeforeRestart + 50);
                stop.set(true);
                traffic.get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    bus.publish("restart", "after".getBytes(StandardCharsets.UTF_8));
                    return received.contains("after");
                });

                assertThat(health).extracting(BusHealth::healthy).containsSubsequence(false, true);
                assertThat(connection.sync().info("memory")).containsPattern("number_of_cached_scripts:[1-9]");
                for (int i : acked) {
                    assertThat(ratings.find(rating(i).key())).as("rating %d", i).contains(rating(i));
                    assertThat(presence.leasesOf(UserId.of("p" + i))).as("lease %d", i).hasSize(1);
                }
                List<Candidate> near = index.candidates(GeoPoint.ofLatLon(52.5, 13.4), 50_000, Integer.MAX_VALUE);
                Set<UserId> indexed = near.stream().map(Candidate::user).collect(java.util.stream.Collectors.toSet());
                for (int i : acked) {
                    assertThat(indexed).as("index entry %d", i).contains(UserId.of("g" + i));
                }
                StarHistogram total = StarHistogram.EMPTY;
                for (UserId ratee : RATEES) {
                    RatingAuditStore.Snapshot s = ratings.snapshot(ratee);
                    assertThat(s.stored()).as("aggregate of %s", ratee).isEqualTo(StarHistogram.recount(s.ratings()));
                    total = total.plus(s.stored());
                }
                assertThat(ratings.platformAggregate()).isEqualTo(total);
                assertThat(total.count()).isGreaterThanOrEqualTo(acked.size());
            } finally {
                pool.shutdownNow();
                bus.close();
                connection.close();
                client.shutdown();
                resources.shutdown().get(5, TimeUnit.SECONDS);
            }
        }
    }

    private static Rating rating(int i) {
        RatingKey key = RatingKey.of(SessionId.of("s" + i), UserId.of("rater-" + i), RATEES.get(i % RATEES.size()));
        return Rating.create(key, 1 + i % 5, Set.of(), null, null, RatingState.REVEALED, T0, T0.plusSeconds(60));
    }
}
