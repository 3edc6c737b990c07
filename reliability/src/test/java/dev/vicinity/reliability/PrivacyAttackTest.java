package dev.vicinity.reliability;

import dev.vicinity.client.RawClient;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.examples.server.ServerConfig;
import dev.vicinity.examples.server.VicinityServer;
import dev.vicinity.geo.DistanceBuckets;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoGrid;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.core.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trilateration attack through the protocol, as in the published attacks on dating apps: four
 * attacker accounts on real WebSockets place themselves at chosen positions ({@code geo.location}
 * with {@code source: "manual"}, exempt from the speed check) on a 17 × 17 grid 130 m apart and ask
 * {@code geo.nearby} at the matcher's rate limit (60 per minute each; the server's clock is a
 * {@link MutableClock} so a minute of queries takes no real minute). Two victims sit near opposite
 * corners of one 250 m privacy cell. The attacker keeps every position consistent with all distance
 * buckets it saw and takes their centroid as its estimate.
 */
class PrivacyAttackTest {
    private static final Logger LOG = LoggerFactory.getLogger(PrivacyAttackTest.class);
    static final double CELL = 250; // the server's default privacy cell
    static final double M_PER_DEG = GeoDistance.METERS_PER_DEGREE;
    static final double LAT0 = 52.52;
    static final double LON0 = 13.405;
    static final double COS = Math.cos(Math.toRadians(LAT0));
    static final int SPAN = 8; // attacker grid -SPAN..SPAN in both directions
    static final double STEP = 130; // metres, deliberately not a cell multiple

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private VicinityServer server;

    @BeforeEach
    void start() {
        server = VicinityServer.start(ServerConfig.parse(new String[] {"--port", "0", "--host", "127.0.0.1",
            "--backend", "memory", "--node-id", "privacy"}, Map.of()), clock);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static GeoPoint attackerPosition(int i, int j) {
        return GeoPoint.ofLatLon(LAT0 + i * STEP / M_PER_DEG, LON0 + j * STEP / M_PER_DEG / COS);
    }

    /** What the victim's entry in a nearby answer says: its bucket label, or absent. */
    static String seen(JsonNode answer, String victim) {
        for (JsonNode u : answer.path("users")) {
            if (u.path("user").asText().equals(victim)) {
                assertThat(u.has("lat") || u.has("lon") || u.toString().contains("\"location\""))
                        .as("no coordinates in %s", u).isFalse();
                return u.path("distance").asText();
            }
        }
        return "absent";
    }

    /** The attacker's best estimate: the centroid of all candidate positions consistent with the transcript. */
    static GeoPoint estimate(List<String> labels) {
        GeoGrid grid = GeoGrid.withCellSize(CELL);
        DistanceBuckets buckets = DistanceBuckets.defaults();
        double sumLat = 0;
        double sumLon = 0;
        int n = 0;
        for (int a = -80; a <= 80; a++) {
            for (int b = -80; b <= 80; b++) {
                GeoPoint x = GeoPoint.ofLatLon(LAT0 + a * 15 / M_PER_DEG, LON0 + b * 15 / M_PER_DEG / COS);
                GeoPoint xs = grid.snap(x);
                boolean ok = true;
                int k = 0;
                for (int i = -SPAN; i <= SPAN && ok; i++) {
                    for (int j = -SPAN; j <= SPAN && ok; j++) {
                        int bucket = buckets.indexOf(GeoDistance.meters(grid.snap(attackerPosition(i, j)), xs));
                        String label = bucket < 0 ? "absent" : buckets.get(bucket).label();
                        ok = label.equals(labels.get(k++));
                    }
                }
                if (ok) {
                    sumLat += x.lat();
                    sumLon += x.lon();
                    n++;
                }
            }
        }
        assertThat(n).as("the true position is always consistent").isPositive();
        return GeoPoint.ofLatLon(sumLat / n, sumLon / n);
    }

    @Test
    void trilaterationAtTheRateLimitCannotLocateAVictimWithinHalfACell() throws Exception {
        GeoGrid grid = GeoGrid.withCellSize(CELL);
        long key = grid.cellKey(LAT0 + 300 / M_PER_DEG, LON0 + 200 / M_PER_DEG / COS);
        int row = GeoGrid.rowOf(key);
        double width = 360.0 / grid.columns(row);
        double south = grid.rowMinLat(row);
        double north = grid.rowMaxLat(row);
        double west = -180 + GeoGrid.columnOf(key) * width;
        GeoPoint victimA = GeoPoint.ofLatLon(south + 0.05 * (north - south), west + 0.05 * width);
        GeoPoint victimB = GeoPoint.ofLatLon(north - 0.05 * (north - south), west + 0.95 * width);
        assertThat(grid.cellKey(victimA)).isEqualTo(key);
        assertThat(grid.cellKey(victimB)).isEqualTo(key);

        List<RawClient> all = new ArrayList<>();
        try {
            RawClient a = RawClient.connect(server.port());
            RawClient b = RawClient.connect(server.port());
            all.add(a);
            all.add(b);
            a.hello("victim-a");
            b.hello("victim-b");
            a.ok(frame("geo.location").put("lat", victimA.lat()).put("lon", victimA.lon()).put("accuracy", 3));
            b.ok(frame("geo.location").put("lat", victimB.lat()).put("lon", victimB.lon()).put("accuracy", 3));
            List<RawClient> attackers = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                RawClient c = RawClient.connect(server.port());
                all.add(c);
                c.hello("attacker" + k);
                attackers.add(c);
            }

            // The rate limit is real: one account asking faster than 60 per minute is refused.
            RawClient greedy = attackers.get(0);
            greedy.ok(frame("geo.location").put("source", "manual").put("lat", LAT0).put("lon", LON0));
            int allowed = 0;
            String refusal = null;
            long retryAfterMs = -1;
            for (int q = 0; q < 100 && refusal == null; q++) {
                JsonNode r = greedy.call(frame("geo.nearby").put("radius", 5000).put("limit", 100));
                if ("error".equals(r.path("type").asText())) {
                    refusal = r.path("code").asText();
                    retryAfterMs = r.path("retryAfterMs").asLong(-1);
                } else {
                    allowed++;
                }
                if (q % 10 == 9) {
                    clock.advance(Duration.ofMillis(600)); // stay under the frame rate limit (20/s)
                }
            }
            assertThat(refusal).isEqualTo("rate_limited");
            // A refused nearby query says when the next is admitted: at most one token (1 s at 60/min).
            assertThat(retryAfterMs).isBetween(1L, 1_000L);
            assertThat(allowed).isBetween(10, 70);
            // Let the bucket refill. In 10 s steps with a ping each: the server ticks on its own thread,
            // and one jump past the heartbeat timeout would detach every client before its next ping.
            for (int step = 0; step < 6; step++) {
                clock.advance(Duration.ofSeconds(10));
                a.ok(frame("ping"));
                b.ok(frame("ping"));
                for (RawClient c : attackers) {
                    c.ok(frame("ping"));
                }
            }

            List<String> seenA = new ArrayList<>();
            List<String> seenB = new ArrayList<>();
            int k = 0;
            for (int i = -SPAN; i <= SPAN; i++) {
                for (int j = -SPAN; j <= SPAN; j++) {
                    if (k % attackers.size() == 0) {
                        // One query per account per second: exactly the matcher's 60/min.
                        clock.advance(Duration.ofSeconds(1));
                        if (k % (attackers.size() * 5) == 0) {
                            a.ok(frame("ping"));
                            b.ok(frame("ping"));
                            for (RawClient c : attackers) {
                                c.ok(frame("ping"));
                            }
                        }
                    }
                    RawClient attacker = attackers.get(k++ % attackers.size());
                    GeoPoint p = attackerPosition(i, j);
                    JsonNode placed = attacker.ok(frame("geo.location").put("source", "manual")
                            .put("lat", p.lat()).put("lon", p.lon()));
                    assertThat(placed.path("accepted").asBoolean()).as("fix %d,%d accepted", i, j).isTrue();
                    JsonNode answer = attacker.ok(frame("geo.nearby").put("radius", 5000).put("limit", 100));
                    seenA.add(seen(answer, "victim-a"));
                    seenB.add(seen(answer, "victim-b"));
                }
            }

            assertThat(seenA).as("the attack saw the victim in several buckets")
                    .contains(DistanceBuckets.defaults().get(0).label())
                    .anyMatch(s -> !s.equals(DistanceBuckets.defaults().get(0).label()));
            assertThat(seenB).as("two victims in one cell give identical transcripts").isEqualTo(seenA);
            GeoPoint guess = estimate(seenA);
            double errA = GeoDistance.meters(guess, victimA);
            double errB = GeoDistance.meters(guess, victimB);
            LOG.info("trilateration over {} queries: estimate off by {} m and {} m (half a cell = {} m)",
                    seenA.size(), Math.round(errA), Math.round(errB), CELL / 2);
            assertThat(errA).as("error for victim A").isGreaterThan(CELL / 2);
            assertThat(errB).as("error for victim B").isGreaterThan(CELL / 2);
        } finally {
            all.forEach(RawClient::close);
        }
    }
}
