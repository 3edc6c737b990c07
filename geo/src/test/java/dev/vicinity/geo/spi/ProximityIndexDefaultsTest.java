package dev.vicinity.geo.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default {@link ProximityIndex#forEachWithin}: an unlimited {@code candidates} query, field by field. */
class ProximityIndexDefaultsTest {

    @Test
    void forEachWithinHandsOverEveryCandidateOfAnUnlimitedQueryWithExactTimes() {
        List<Candidate> stored = List.of(
                new Candidate(UserId.of("a"), GeoPoint.ofLatLon(1.5, 2.5), Instant.parse("2026-01-01T00:00:00.123456789Z")),
                new Candidate(UserId.of("b"), GeoPoint.ofLatLon(-3, 4), Instant.parse("1960-01-01T00:00:00.5Z")));
        List<Object> asked = new ArrayList<>();
        ProximityIndex index = new ProximityIndex() {
            @Override
            public void upsert(UserId user, GeoPoint point, Instant observedAt) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean remove(UserId user) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<Candidate> candidates(GeoPoint center, double radiusMeters, int limit) {
                asked.add(center);
                asked.add(radiusMeters);
                asked.add(limit);
                return stored;
            }

            @Override
            public int size() {
                return stored.size();
            }
        };
        List<Candidate> seen = new ArrayList<>();
        GeoPoint center = GeoPoint.ofLatLon(1, 2);
        index.forEachWithin(center, 1234.5,
                (u, lat, lon, s, n) -> seen.add(new Candidate(u, GeoPoint.ofLatLon(lat, lon), Instant.ofEpochSecond(s, n))));
        assertThat(asked).containsExactly(center, 1234.5, Integer.MAX_VALUE);
        assertThat(seen).isEqualTo(stored);
    }
}
