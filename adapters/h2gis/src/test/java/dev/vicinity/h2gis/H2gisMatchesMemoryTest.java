package dev.vicinity.h2gis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationSource;
import dev.vicinity.geo.PublicLocation;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.geo.memory.InMemoryLocationStore;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.testkit.ClassResource;
import dev.vicinity.testkit.rating.RatingScenario;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The H2GIS stores give the same answers as the in-memory reference adapter on the same random data
 * and operations. Proximity: H2GIS ranks by the exact canonical distance, so its answer equals a
 * brute force exactly, and equals the memory index's (which stores fixed-point positions within
 * the SPI tolerance) except for users inside that tolerance band at the radius or k-th distance.
 */
class H2gisMatchesMemoryTest {
    @RegisterExtension
    static final ClassResource<H2gisVicinity> DB = H2gisTestDatabase.perClass();

    @BeforeEach
    void empty() {
        H2gisTestDatabase.truncate(DB.get());
    }

    @Test
    void proximityAnswersEqualTheMemoryIndexAndAnExactBruteForce() {
        ProximityIndex h2 = DB.get().proximityIndex();
        ProximityIndex memory = new InMemoryProximityIndex();
        Map<UserId, GeoPoint> truth = new HashMap<>();
        Random rnd = new Random(42);
        List<Candidate> batch = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            UserId u = UserId.of("u" + i);
            // A dense centre and a sparse ring, so that the expanding search sees both densities.
            double spread = i % 4 == 0 ? 0.3 : 0.03;
            GeoPoint p = GeoPoint.ofLatLon(48.85 + (rnd.nextDouble() * 2 - 1) * spread,
                    2.35 + (rnd.nextDouble() * 2 - 1) * spread * 1.5);
            truth.put(u, p);
            memory.upsert(u, p, Instant.EPOCH);
            batch.add(new Candidate(u, p, Instant.EPOCH));
        }
        DB.get().proximityIndex().upsertAll(batch);
        assertThat(h2.size()).isEqualTo(memory.size()).isEqualTo(truth.size());
        for (int q = 0; q < 100; q++) {
            GeoPoint c = GeoPoint.ofLatLon(48.85 + (rnd.nextDouble() * 2 - 1) * 0.3, 2.35 + (rnd.nextDouble() * 2 - 1) * 0.45);
            double radius = 100 + rnd.nextDouble() * 12_000;
            int limit = q % 10 == 0 ? Integer.MAX_VALUE : 1 + rnd.nextInt(100);
            List<Candidate> got = h2.candidates(c, radius, limit);
            List<UserId> exact = bruteForce(truth, c, radius, limit);
            assertThat(got).extracting(Candidate::user).as("query %d", q).containsExactlyElementsOf(exact);
            for (Candidate cand : got) {
                assertThat(cand.point()).isEqualTo(truth.get(cand.user()));
            }
            assertSameUpToTolerance(truth, c, radius, limit, got, memory.candidates(c, radius, limit));
        }
    }

    @Test
    void locationStoreAnswersEqualTheMemoryStoreUnderRandomCompareAndSets() {
        LocationStore h2 = DB.get().locationStore();
        LocationStore memory = new InMemoryLocationStore();
        Random rnd = new Random(9);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int step = 0; step < 1_500; step++) {
            UserId u = UserId.of("u" + rnd.nextInt(20));
            long version = rnd.nextInt(4);
            switch (rnd.nextInt(4)) {
                case 0, 1 -> {
                    PublicLocation l = new PublicLocation(u, GeoPoint.ofLatLon(rnd.nextDouble() * 10, rnd.nextDouble() * 10),
                            LocationSource.values()[rnd.nextInt(3)], rnd.nextInt(500), t.plusMillis(rnd.nextInt(100_000)));
                    assertThat(h2.compareAndSet(version, l)).as("step %d", step).isEqualTo(memory.compareAndSet(version, l));
                }
                case 2 -> assertThat(h2.remove(u, version)).as("step %d", step).isEqualTo(memory.remove(u, version));
                default -> assertThat(h2.get(u)).as("step %d", step).isEqualTo(memory.get(u));
            }
            if (step % 100 == 99) {
                Instant cutoff = t.plusMillis(rnd.nextInt(100_000));
                assertThat(new HashSet<>(h2.observedBefore(cutoff, 1_000)))
                        .isEqualTo(new HashSet<>(memory.observedBefore(cutoff, 1_000)));
            }
        }
    }

    @Test
    void ratingsAndAggregatesEqualTheMemoryStoreAfterTheSameRandomOperations() {
        for (long seed = 1; seed <= 3; seed++) {
            H2gisTestDatabase.truncate(DB.get());
            RatingScenario onH2 = new RatingScenario(DB.get().ratingStore());
            InMemoryRatingStore memoryStore = new InMemoryRatingStore();
            RatingScenario onMemory = new RatingScenario(memoryStore);
            Random rnd = new Random(seed);
            for (int step = 0; step < 80; step++) {
                RatingScenario.Op op = RatingScenario.randomOp(rnd);
                onH2.apply(op);
                onMemory.apply(op);
            }
            for (int s = 0; s < RatingScenario.SESSIONS; s++) {
                for (int a = 0; a < RatingScenario.USERS; a++) {
                    for (int b = 0; b < RatingScenario.USERS; b++) {
                        RatingKey key = RatingKey.of(RatingScenario.session(s), RatingScenario.user(a), RatingScenario.user(b));
                        assertThat(DB.get().ratingStore().find(key)).as("seed %d %s", seed, key).isEqualTo(memoryStore.find(key));
                    }
                }
            }
            for (int u = 0; u < RatingScenario.USERS; u++) {
                UserId user = RatingScenario.user(u);
                assertThat(DB.get().ratingStore().aggregate(user)).isEqualTo(memoryStore.aggregate(user));
            }
            assertThat(DB.get().ratingStore().platformAggregate()).isEqualTo(memoryStore.platformAggregate());
        }
    }

    private static List<UserId> bruteForce(Map<UserId, GeoPoint> truth, GeoPoint c, double radius, int limit) {
        return truth.entrySet().stream()
                .filter(e -> GeoDistance.meters(c, e.getValue()) <= radius)
                .sorted(Comparator.<Map.Entry<UserId, GeoPoint>>comparingDouble(e -> GeoDistance.meters(c, e.getValue()))
                        .thenComparing(e -> e.getKey().value()))
                .limit(limit)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Both answers hold the same users, except users within the SPI tolerance of the cut-off distance. */
    private static void assertSameUpToTolerance(Map<UserId, GeoPoint> truth, GeoPoint c, double radius, int limit,
            List<Candidate> h2, List<Candidate> memory) {
        double cut = h2.size() < limit ? radius : GeoDistance.meters(c, h2.get(h2.size() - 1).point());
        if (memory.size() >= limit) {
            cut = Math.min(cut, GeoDistance.meters(c, truth.get(memory.get(memory.size() - 1).user())));
        }
        double band = 0.007 * cut + 1.0;
        Set<UserId> a = clearlyInside(truth, c, h2, cut - band);
        Set<UserId> b = clearlyInside(truth, c, memory, cut - band);
        assertThat(a).isEqualTo(b);
    }

    private static Set<UserId> clearlyInside(Map<UserId, GeoPoint> truth, GeoPoint c, List<Candidate> list, double below) {
        Set<UserId> out = new HashSet<>();
        for (Candidate cand : list) {
            if (GeoDistance.meters(c, truth.get(cand.user())) < below) {
                out.add(cand.user());
            }
        }
        return out;
    }
}
