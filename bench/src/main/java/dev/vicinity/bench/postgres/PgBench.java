package dev.vicinity.bench.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.postgres.PostgresVicinity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Connection settings and the shared data set of the PostgreSQL benchmarks.
 *
 * <p>Settings: system properties {@code vicinity.pg.url}, {@code vicinity.pg.user},
 * {@code vicinity.pg.password}, else environment variables {@code VICINITY_PG_URL},
 * {@code VICINITY_PG_USER}, {@code VICINITY_PG_PASSWORD}; defaults
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, {@code postgres}, empty.
 *
 * <p>Data set: the geo benchmark's city — {@code users} users uniform in a 40 km × 40 km box around
 * (52.52, 13.405), seed 42, identical generator — loaded once into schema {@code vicinity_bench}
 * through the adapter's batched upsert and reused while its marker row says it is intact.
 */
final class PgBench {
    static final String SCHEMA = "vicinity_bench";
    static final double CENTER_LAT = 52.52;
    static final double CENTER_LON = 13.405;
    static final double HALF_LAT = 20_000 / GeoDistance.METERS_PER_DEGREE;
    static final double HALF_LON = HALF_LAT / Math.cos(Math.toRadians(CENTER_LAT));
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private PgBench() {}

    static String setting(String property, String env, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    /** A pool of {@code size} connections (the host's job in production; the library never makes one). */
    static HikariDataSource pool(int size) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(setting("vicinity.pg.url", "VICINITY_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
        c.setUsername(setting("vicinity.pg.user", "VICINITY_PG_USER", "postgres"));
        c.setPassword(setting("vicinity.pg.password", "VICINITY_PG_PASSWORD", ""));
        c.setMaximumPoolSize(size);
        c.setPoolName("vicinity-bench");
        return new HikariDataSource(c);
    }

    static PostgresVicinity adapter(HikariDataSource ds) {
        PostgresVicinity pg = PostgresVicinity.builder(ds).schema(SCHEMA).build();
        pg.schemaInstaller().install();
        return pg;
    }

    /** User {@code i}'s position: the same generator and seed as the geo benchmark's data set. */
    static GeoPoint[] points(int n, long seed) {
        GeoPoint[] out = new GeoPoint[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            double lat = CENTER_LAT + (rnd.nextDouble() * 2 - 1) * HALF_LAT;
            double lon = CENTER_LON + (rnd.nextDouble() * 2 - 1) * HALF_LON;
            out[i] = GeoPoint.ofLatLon(lat, lon);
        }
        return out;
    }

    /** Makes sure the proximity table holds exactly the data set of {@code users} users (loads it if not). */
    static void ensureDataset(PostgresVicinity pg, HikariDataSource ds, int users) throws SQLException {
        String marker = "seed42-" + users;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".bench_meta (dataset text)");
            try (ResultSet rs = st.executeQuery("SELECT dataset FROM " + SCHEMA + ".bench_meta")) {
                if (rs.next() && marker.equals(rs.getString(1))) {
                    return;
                }
            }
            System.out.println("[bench] loading " + users + " users into " + SCHEMA + ".proximity ...");
            long start = System.nanoTime();
            st.execute("DELETE FROM " + SCHEMA + ".bench_meta");
            st.execute("TRUNCATE " + SCHEMA + ".proximity");
            GeoPoint[] p = points(users, 42);
            List<Candidate> batch = new ArrayList<>(10_000);
            for (int i = 0; i < users; i++) {
                batch.add(new Candidate(UserId.of("u" + i), p[i], T0));
                if (batch.size() == 10_000) {
                    pg.proximityIndex().upsertAll(batch);
                    batch.clear();
                }
            }
            pg.proximityIndex().upsertAll(batch);
            st.execute("VACUUM ANALYZE " + SCHEMA + ".proximity");
            st.execute("INSERT INTO " + SCHEMA + ".bench_meta VALUES ('" + marker + "')");
            System.out.printf("[bench] loaded in %.1f s%n", (System.nanoTime() - start) / 1e9);
        }
    }

    /** Marks the data set as modified, so that the next nearest-query benchmark reloads it. */
    static void markDirty(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".bench_meta (dataset text)");
            st.execute("DELETE FROM " + SCHEMA + ".bench_meta");
        }
    }

    /** Query points inside the box (seed 7, as the geo benchmark's). */
    static GeoPoint[] queryPoints(int n) {
        SplittableRandom rnd = new SplittableRandom(7);
        GeoPoint[] out = new GeoPoint[n];
        for (int i = 0; i < n; i++) {
            out[i] = GeoPoint.ofLatLon(CENTER_LAT + (rnd.nextDouble() * 2 - 1) * HALF_LAT,
                    CENTER_LON + (rnd.nextDouble() * 2 - 1) * HALF_LON);
        }
        return out;
    }
}
