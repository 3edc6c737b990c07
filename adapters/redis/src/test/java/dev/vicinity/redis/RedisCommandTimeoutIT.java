package dev.vicinity.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A paused Redis ({@code CLIENT PAUSE} on a private {@code redis-server}) fails presence and
 * resume-token and rate-limit operations with the retryable {@link BackendUnavailableException} after the stores'
 * command timeout, although the connection's own timeout is Lettuce's 60 s default.
 */
class RedisCommandTimeoutIT {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private static long millisOf(Runnable r) {
        long t0 = System.nanoTime();
        assertThatThrownBy(r::run).isInstanceOf(BackendUnavailableException.class);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void pausedRedisFailsWithinTheCommandTimeoutNotTheConnectionTimeout() throws Exception {
        try (PrivateRedisServer server = new PrivateRedisServer()) {
            server.start();
            RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + server.port()));
            try (StatefulRedisConnection<String, String> connection = client.connect();
                 StatefulRedisConnection<String, String> admin = client.connect()) {
                assertThat(connection.getTimeout()).isEqualTo(Duration.ofSeconds(60));
                RedisPresenceStore presence = RedisPresenceStore.builder(connection).keyPrefix("timeout")
                        .commandTimeout(TIMEOUT).build();
                RedisResumeStore resumes = RedisResumeStore.create(connection, "timeout", TIMEOUT);
                RedisRateLimitStore limits = RedisRateLimitStore.builder(connection).keyPrefix("timeout")
                        .commandTimeout(TIMEOUT).build();
                assertThat(limits.tryAcquire("k", 1, 5, T0)).isZero();
                UserId ann = UserId.of("ann");
                presence.acquire(ann, DeviceId.of("d"), ConnectionId.of("c1"), NodeId.of("n1"), T0.plusSeconds(30));
                assertThat(presence.leasesOf(ann)).hasSize(1);

                admin.sync().clientPause(1_500);
                long leases = millisOf(() -> presence.leasesOf(ann));
                long heartbeat = millisOf(() -> presence.heartbeatNode(NodeId.of("n1"), T0.plusSeconds(15)));
                long take = millisOf(() -> resumes.take("token", T0));
                long limit = millisOf(() -> limits.tryAcquire("k", 1, 5, T0));
                for (long ms : new long[] {leases, heartbeat, take, limit}) {
                    assertThat(ms).isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 50).isLessThan(2_000);
                }
            } finally {
                client.shutdown();
            }
        }
    }
}
