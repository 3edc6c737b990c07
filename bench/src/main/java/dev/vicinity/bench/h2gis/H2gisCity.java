package dev.vicinity.bench.h2gis;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.h2gis.H2gisVicinity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The benchmark city of the geo benchmarks (users uniform in a 40 km x 40 km box around (52.52,
 * 13.405), fixed seed) loaded into a fresh in-memory H2GIS database.
 */
final class H2gisCity {
    static final double CENTER_LAT = 52.52;
    static final double CENTER_LON = 13.405;
    static final double HALF_LAT = 20_000 / GeoDistance.METERS_PER_DEGREE;
    static final double HALF_LON = HALF_LAT / Math.cos(Math.toRadians(CENTER_LAT));
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private H2gisCity() {}

    /** A new in-memory database holding {@code users} users "u0".."u(n-1)", loaded in batches. */
    static H2gisVicinity load(int users, long seed) {
        return load(H2gisVicinity.builder("jdbc:h2:mem:bench-" + UUID.randomUUID())
                .loadH2gisFunctions(false).maxConnections(8).build(), users, seed);
    }

    /** {@code db} (freshly built) installed and loaded with {@code users} users "u0".."u(n-1)", in batches. */
    static H2gisVicinity load(H2gisVicinity db, int users, long seed) {
        db.schemaInstaller().install();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Candidate> batch = new ArrayList<>(10_000);
        for (int i = 0; i < users; i++) {
            batch.add(new Candidate(UserId.of("u" + i), randomPoint(rnd), T0));
            if (batch.size() == 10_000 || i == users - 1) {
                db.proximityIndex().upsertAll(batch);
                batch.clear();
            }
        }
        return db;
    }

    /** A uniform random point in the city box. */
    static GeoPoint randomPoint(SplittableRandom rnd) {
        return GeoPoint.ofLatLon(CENTER_LAT + (rnd.nextDouble() * 2 - 1) * HALF_LAT,
                CENTER_LON + (rnd.nextDouble() * 2 - 1) * HALF_LON);
    }

    /** {@code n} random points (n a power of two for cheap cycling). */
    static GeoPoint[] points(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        GeoPoint[] out = new GeoPoint[n];
        for (int i = 0; i < n; i++) {
            out[i] = randomPoint(rnd);
        }
        return out;
    }
}
