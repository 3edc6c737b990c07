package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.MutableClock;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.OnlineCheck;
import dev.vicinity.geo.ScoreProvider;
import dev.vicinity.geo.UserSideTable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A matcher reading online state and scores from a {@link UserSideTable} (in place, per bucket) gives
 * the same pages, and reports the same number of batch calls, as one asking host callbacks holding
 * the same values.
 */
class GeoSideTableMatcherTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

    @Test
    void givesTheSamePagesAndCallCountsAsTheHostCallbacks() {
        MutableClock clock = new MutableClock();
        LocationService locations = LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex())
                .clock(clock).noUpdateRateLimit().build();
        SplittableRandom rnd = new SplittableRandom(21);
        List<UserId> users = new ArrayList<>();
        UserSideTable table = new UserSideTable();
        for (int i = 0; i < 4_000; i++) {
            UserId u = UserId.of("s" + i);
            users.add(u);
            // Dense middle (whole buckets to rank) and a sparse ring (widening passes).
            double spread = i % 5 == 0 ? 0.15 : 0.02;
            locations.submit(u, LocationFix.precise(52.52 + (rnd.nextDouble() * 2 - 1) * spread,
                    13.405 + (rnd.nextDouble() * 2 - 1) * spread * 1.6, 5, clock.instant()));
            // Scores with few distinct values (ties go to the keyed tie-break), some users without one.
            table.put(UserId.of("s" + i), i % 7 != 0, i % 11 == 0 ? Double.NaN : (i % 13) / 4.0);
        }
        OnlineCheck online = u -> Integer.parseInt(u.value().substring(1)) % 7 != 0;
        ScoreProvider scores = u -> {
            int i = Integer.parseInt(u.value().substring(1));
            return i % 11 == 0 ? Double.NaN : (i % 13) / 4.0;
        };
        InMemoryBlockList blocks = new InMemoryBlockList();
        blocks.block(users.get(1), users.get(2));
        int[] calls = new int[2];
        NearbyMatcher viaCallbacks = matcher(locations, blocks, online, scores, calls, 0);
        NearbyMatcher viaTable = matcher(locations, blocks, table, table, calls, 1);
        NearbyMatcher onlineOnlyCallbacks = matcher(locations, blocks, online, ScoreProvider.NONE, calls, 0);
        NearbyMatcher onlineOnlyTable = matcher(locations, blocks, table, ScoreProvider.NONE, calls, 1);
        NearbyMatcher scoreOnlyCallbacks = matcher(locations, blocks, OnlineCheck.ALWAYS, scores, calls, 0);
        NearbyMatcher scoreOnlyTable = matcher(locations, blocks, OnlineCheck.ALWAYS, table, calls, 1);
        for (int q = 0; q < 150; q++) {
            UserId querier = users.get(rnd.nextInt(users.size()));
            double radius = new double[] {500, 1_000, 3_000, 10_000}[q % 4];
            int limit = 1 + rnd.nextInt(60);
            NearbyQuery query = NearbyQuery.of(querier, radius, limit);
            if (q % 3 == 0) {
                query = query.withOffline();
            }
            compare(viaCallbacks, viaTable, query, calls);
            compare(onlineOnlyCallbacks, onlineOnlyTable, query, calls);
            compare(scoreOnlyCallbacks, scoreOnlyTable, query, calls);
        }
    }

    private static void compare(NearbyMatcher a, NearbyMatcher b, NearbyQuery query, int[] calls) {
        NearbyPage pa = a.nearby(query);
        NearbyPage pb = b.nearby(query);
        assertThat(pb.matches()).as("%s", query).isEqualTo(pa.matches());
        assertThat(calls[1]).as("batch calls of %s", query).isEqualTo(calls[0]);
        if (pa.next().isPresent()) {
            NearbyPage na = a.nearby(query.after(pa.next().get()));
            NearbyPage nb = b.nearby(query.after(pb.next().get()));
            assertThat(nb.matches()).as("second page of %s", query).isEqualTo(na.matches());
        }
    }

    private static NearbyMatcher matcher(LocationService locations, InMemoryBlockList blocks, OnlineCheck online,
                                         ScoreProvider scores, int[] calls, int slot) {
        return NearbyMatcher.builder(locations, blocks, online)
                .scoreProvider(scores)
                .cursorSecret(SECRET)
                .noRateLimit()
                .listener(new VicinityListener() {
                    @Override
                    public void onNearbyBatchCalls(UserId querier, int batchCalls) {
                        calls[slot] = batchCalls;
                    }
                })
                .build();
    }
}
