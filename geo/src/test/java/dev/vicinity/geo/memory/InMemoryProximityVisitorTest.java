package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.ProximityIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The in-memory index's allocation-free {@link ProximityIndex#forEachWithin}: it visits exactly what
 * {@code candidates(center, radius, MAX_VALUE)} returns (ring scan and the every-cell fallback), with
 * the same fields, and never a user twice while users move between cells.
 */
class InMemoryProximityVisitorTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00.123456789Z");

    record Seen(UserId user, double lat, double lon, Instant observedAt) {}

    static List<Seen> visit(ProximityIndex index, GeoPoint center, double radius) {
        List<Seen> out = new ArrayList<>();
        index.forEachWithin(center, radius, (u, lat, lon, s, n) -> out.add(new Seen(u, lat, lon, Instant.ofEpochSecond(s, n))));
        return out;
    }

    static Set<Seen> expected(ProximityIndex index, GeoPoint center, double radius) {
        Set<Seen> out = new HashSet<>();
        for (Candidate c : index.candidates(center, radius, Integer.MAX_VALUE)) {
            out.add(new Seen(c.user(), c.point().lat(), c.point().lon(), c.observedAt()));
        }
        return out;
    }

    @Test
    void visitsExactlyTheCandidatesOfAnUnlimitedQuery() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (double cell : new double[] {250, 40}) {
            InMemoryProximityIndex index = new InMemoryProximityIndex(cell);
            for (int i = 0; i < 3_000; i++) {
                index.upsert(UserId.of("u" + i), GeoPoint.ofLatLon(52.5 + rnd.nextDouble() * 0.1, 13.4 + rnd.nextDouble() * 0.15),
                        T.plusMillis(rnd.nextInt(100_000)));
            }
            for (int q = 0; q < 40; q++) {
                GeoPoint center = GeoPoint.ofLatLon(52.5 + rnd.nextDouble() * 0.1, 13.4 + rnd.nextDouble() * 0.15);
                double radius = rnd.nextInt(4) == 0 ? rnd.nextDouble() * 20_000 : rnd.nextDouble() * 2_000;
                List<Seen> seen = visit(index, center, radius);
                assertThat(new HashSet<>(seen)).hasSameSizeAs(seen).isEqualTo(expected(index, center, radius));
            }
        }
    }

    @Test
    void sparseWorldWithAHugeRadiusTakesTheEveryCellPathAndStillVisitsEachUserOnce() {
        InMemoryProximityIndex index = new InMemoryProximityIndex(100);
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 200; i++) {
            index.upsert(UserId.of("w" + i), GeoPoint.ofLatLon(rnd.nextDouble() * 160 - 80, rnd.nextDouble() * 360 - 180), T);
        }
        GeoPoint center = GeoPoint.ofLatLon(10, 20);
        for (double radius : new double[] {3_000_000, 15_000_000, 20_100_000}) {
            List<Seen> seen = visit(index, center, radius);
            assertThat(new HashSet<>(seen)).hasSameSizeAs(seen).isEqualTo(expected(index, center, radius));
        }
        assertThat(visit(index, center, 20_100_000)).hasSize(200);
    }

    @Test
    void passesTheObservationTimeTruncatedToMillisecondsAsTheCandidatesDo() {
        InMemoryProximityIndex index = new InMemoryProximityIndex();
        index.upsert(UserId.of("a"), GeoPoint.ofLatLon(52.52, 13.405), T);
        index.upsert(UserId.of("b"), GeoPoint.ofLatLon(52.52, 13.405), Instant.parse("1960-05-05T10:00:00.999Z"));
        Map<UserId, Instant> times = new HashMap<>();
        for (Seen s : visit(index, GeoPoint.ofLatLon(52.52, 13.405), 10)) {
            times.put(s.user(), s.observedAt());
        }
        assertThat(times).containsEntry(UserId.of("a"), Instant.parse("2026-01-01T00:00:00.123Z"))
                .containsEntry(UserId.of("b"), Instant.parse("1960-05-05T10:00:00.999Z"));
    }

    @Test
    void rejectsABadRadius() {
        InMemoryProximityIndex index = new InMemoryProximityIndex();
        GeoPoint c = GeoPoint.ofLatLon(0, 0);
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> index.forEachWithin(c, bad, (u, lat, lon, s, n) -> { }))
                    .isInstanceOf(InvalidInputException.class)
                    .extracting(e -> ((InvalidInputException) e).code()).isEqualTo(ErrorCodes.INVALID_ARGUMENT);
        }
    }

    @Test
    void neverVisitsAUserTwiceWhileUsersMoveBetweenCells() throws Exception {
        InMemoryProximityIndex index = new InMemoryProximityIndex(50);
        int users = 400;
        for (int i = 0; i < users; i++) {
            index.upsert(UserId.of("m" + i), GeoPoint.ofLatLon(52.52 + (i % 20) * 0.001, 13.405 + (i / 20) * 0.0015), T);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread mover = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(3);
            while (!stop.get()) {
                int i = rnd.nextInt(users);
                index.upsert(UserId.of("m" + i), GeoPoint.ofLatLon(52.52 + rnd.nextDouble() * 0.02, 13.405 + rnd.nextDouble() * 0.03), T);
            }
        });
        mover.start();
        try {
            GeoPoint center = GeoPoint.ofLatLon(52.53, 13.42);
            for (int q = 0; q < 300; q++) {
                List<Seen> seen = visit(index, center, 3_000);
                Set<UserId> ids = new HashSet<>();
                for (Seen s : seen) {
                    assertThat(ids.add(s.user())).as("visited twice: %s", s.user()).isTrue();
                }
                assertThat(ids.size()).isBetween(1, users);
            }
        } finally {
            stop.set(true);
            mover.join();
        }
    }
}
