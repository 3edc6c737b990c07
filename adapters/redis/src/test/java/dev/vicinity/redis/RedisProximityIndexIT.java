package dev.vicinity.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.testkit.geo.ProximityIndexContract;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The proximity contract against the real Redis; four shards, so that queries span several keys. */
class RedisProximityIndexIT extends ProximityIndexContract {
    @RegisterExtension
    final KeyPrefixes prefixes = new KeyPrefixes();

    @Override
    protected ProximityIndex createIndex() {
        String prefix = prefixes.next("geo");
        return RedisProximityIndex.builder(RedisTestSupport.connection()).keyPrefix(prefix).shards(4)
                .initialRadiusMeters(200).build();
    }

    @Test
    void batchUpsertMovesUsersLikeSingleUpsertsAndStaleEntriesExpire() {
        RedisProximityIndex redis = (RedisProximityIndex) index;
        Random rnd = new Random(9);
        Instant t0 = Instant.parse("2026-02-01T00:00:00Z");
        Map<UserId, GeoPoint> batch = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            batch.put(user(i), randomPoint(rnd, 48.85, 2.35, 0.3, 0.3));
        }
        redis.upsertAll(batch, t0);
        Map<UserId, GeoPoint> moved = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            moved.put(user(i), randomPoint(rnd, 48.85, 2.35, 0.3, 0.3));
        }
        redis.upsertAll(moved, t0.plusSeconds(60));
        Map<UserId, GeoPoint> truth = new HashMap<>(batch);
        truth.putAll(moved);
        assertThat(index.size()).isEqualTo(300);
        for (int q = 0; q < 10; q++) {
            assertAgrees(truth, randomPoint(rnd, 48.85, 2.35, 0.3, 0.3), 5_000, 1 + rnd.nextInt(30));
        }

        List<UserId> expired = redis.removeObservedBefore(t0.plusSeconds(30), 1_000);
        assertThat(expired).hasSize(200).doesNotContainAnyElementsOf(moved.keySet());
        assertThat(index.size()).isEqualTo(100);
        List<Candidate> all = index.candidates(GeoPoint.ofLatLon(48.85, 2.35), 100_000, Integer.MAX_VALUE);
        assertThat(all).extracting(Candidate::user).containsExactlyInAnyOrderElementsOf(moved.keySet());
    }
}
