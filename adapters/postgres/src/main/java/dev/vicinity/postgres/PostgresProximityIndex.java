package dev.vicinity.postgres;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcProximityIndex;
import dev.vicinity.jdbc.internal.Nanos;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link dev.vicinity.geo.spi.ProximityIndex} on PostGIS: a {@code proximity} table of {@code geography(Point, 4326)}
 * with a GiST index.
 *
 * <p>Query plan. For limits up to {@value #KNN_MAX_LIMIT} the query is <em>nearest first, radius
 * second</em>: an index-ordered nearest-neighbour scan
 * {@code ORDER BY geog <-> q LIMIT k} reads exactly the k nearest rows, and the radius is applied
 * to those k as a filter. That is correct (the k nearest within R are the k nearest overall,
 * minus those beyond R) and its cost depends on k, not on how many users the radius holds —
 * the combination {@code WHERE ST_DWithin(…) ORDER BY … LIMIT k} lets the planner collect and sort
 * everything inside the radius, which measured ~460 ms per query for 5 km among 1M users where
 * the nearest-first form took ~0.6 ms. Larger limits (e.g. {@link Integer#MAX_VALUE}, "everything
 * within R") use {@code ST_DWithin} with the GiST index and a sort.
 *
 * <p>PostGIS 3.3 defect. The index-ordered scan can fail with "index returned tuples in wrong order"
 * when the query centre lies within about 1e-9° of a stored point without being on it (the index's
 * box distance and the rechecked distance disagree by rounding). Such a query is answered again, on
 * the same connection, without index ordering ({@code ST_DWithin} with the GiST index, sorted by
 * {@code ST_Distance}, {@code LIMIT k}): same result, cost proportional to the users within R, and
 * only for these rare centres. It never surfaces as an error.
 *
 * <p>Distances. PostGIS computes both {@code geography <-> geography} and
 * {@code ST_DWithin(…, false)} on the sphere of radius 6,371,008.77 m, which agrees with the
 * canonical haversine ({@link dev.vicinity.geo.GeoDistance}, R = 6,371,008.8 m) to about 1e-8,
 * far inside the SPI's tolerance of 0.7 % + 1 m. The antimeridian and the poles need no special
 * case. Positions read back exactly (float8) and observation times to the nanosecond.
 *
 * <p>Writes. {@link #upsert} is one {@code INSERT … ON CONFLICT DO UPDATE}; {@link #upsertAll}
 * writes a whole batch in one statement (arrays unnested server-side), which is how high location
 * update rates should reach the database. Every statement is atomic, so a query running
 * concurrently sees each user once, at one of its positions. {@link #size} counts the table (O(n)).
 * Thread-safe.
 */
public final class PostgresProximityIndex extends JdbcProximityIndex {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresProximityIndex.class);
    /** Largest limit answered by the index-ordered nearest-neighbour scan. */
    public static final int KNN_MAX_LIMIT = 1000;

    private final String upsert;
    private final String upsertAll;
    private final String nearestHead;
    private final String nearestTail;
    private final String within;
    private final String withinLimited;
    private final String count;

    PostgresProximityIndex(Jdbc jdbc, String schema, String postgis) {
        super(jdbc, schema);
        String t = schema + ".proximity";
        String point = postgis + ".ST_SetSRID(" + postgis + ".ST_MakePoint(?, ?), 4326)::" + postgis + ".geography";
        String lat = postgis + ".ST_Y(geog::" + postgis + ".geometry)";
        String lon = postgis + ".ST_X(geog::" + postgis + ".geometry)";
        upsert = "INSERT INTO " + t + " AS p (user_id, geog, observed_at_ns) VALUES (?, " + point + ", ?)"
                + " ON CONFLICT (user_id) DO UPDATE SET geog = EXCLUDED.geog, observed_at_ns = EXCLUDED.observed_at_ns";
        upsertAll = "INSERT INTO " + t + " AS p (user_id, geog, observed_at_ns)"
                + " SELECT x.u, " + postgis + ".ST_SetSRID(" + postgis + ".ST_MakePoint(x.lo, x.la), 4326)::"
                + postgis + ".geography, x.t"
                + " FROM unnest(?::text[], ?::float8[], ?::float8[], ?::bigint[]) AS x(u, lo, la, t)"
                + " ON CONFLICT (user_id) DO UPDATE SET geog = EXCLUDED.geog, observed_at_ns = EXCLUDED.observed_at_ns";
        // The limit is inlined (an int, at most KNN_MAX_LIMIT) so that a cached generic plan knows it too.
        nearestHead = "SELECT user_id, lat, lon, observed_at_ns FROM (SELECT user_id, " + lat + " AS lat, " + lon
                + " AS lon, observed_at_ns, geog OPERATOR(" + postgis + ".<->) " + point + " AS d FROM " + t
                + " ORDER BY d LIMIT ";
        nearestTail = ") nearest WHERE d <= ? ORDER BY d";
        String withinBase = "SELECT user_id, " + lat + ", " + lon + ", observed_at_ns FROM " + t + " WHERE " + postgis
                + ".ST_DWithin(geog, " + point + ", ?, false) ORDER BY " + postgis + ".ST_Distance(geog, " + point
                + ", false)";
        within = withinBase;
        withinLimited = withinBase + " LIMIT ?";
        count = "SELECT count(*) FROM " + t;
    }

    @Override
    public void upsert(UserId user, GeoPoint point, Instant observedAt) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(point, "point");
        long at = Nanos.of(Objects.requireNonNull(observedAt, "observedAt"));
        jdbc().autoCommit("proximity upsert", c -> {
            try (PreparedStatement ps = c.prepareStatement(upsert)) {
                ps.setString(1, user.value());
                ps.setDouble(2, point.lon());
                ps.setDouble(3, point.lat());
                ps.setLong(4, at);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Upserts a batch in one statement (one round trip, one transaction). When a user appears more
     * than once the last entry wins, as if the entries had been upserted in order. Rows are written
     * in user order so that concurrent batches lock rows in the same order and cannot deadlock.
     *
     * @return the number of distinct users written
     */
    public int upsertAll(Collection<Candidate> entries) {
        Map<String, Candidate> last = lastWins(entries);
        if (last.isEmpty()) {
            return 0;
        }
        int n = last.size();
        String[] users = new String[n];
        Double[] lons = new Double[n];
        Double[] lats = new Double[n];
        Long[] times = new Long[n];
        int i = 0;
        for (Candidate e : last.values()) {
            users[i] = e.user().value();
            lons[i] = e.point().lon();
            lats[i] = e.point().lat();
            times[i] = Nanos.of(e.observedAt());
            i++;
        }
        return jdbc().autoCommit("proximity upsert batch", c -> {
            try (PreparedStatement ps = c.prepareStatement(upsertAll)) {
                ps.setArray(1, c.createArrayOf("text", users));
                ps.setArray(2, c.createArrayOf("float8", lons));
                ps.setArray(3, c.createArrayOf("float8", lats));
                ps.setArray(4, c.createArrayOf("int8", times));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<Candidate> candidates(GeoPoint center, double radiusMeters, int limit) {
        Objects.requireNonNull(center, "center");
        checkQuery(radiusMeters, limit);
        return jdbc().autoCommit("proximity candidates", c -> {
            try {
                return read(prepareQuery(c, "", center, radiusMeters, limit, false));
            } catch (SQLException e) {
                if (!isWrongOrderDefect(e)) {
                    throw e;
                }
                LOG.debug("PostGIS index-ordered scan failed ({}); answering without index ordering", e.getMessage());
                return read(prepareQuery(c, "", center, radiusMeters, limit, true));
            }
        });
    }

    /** {@link #candidates} answered without the index-ordered scan, as after the PostGIS defect; for tests. */
    List<Candidate> candidatesWithoutIndexOrder(GeoPoint center, double radiusMeters, int limit) {
        checkQuery(radiusMeters, limit);
        return jdbc().autoCommit("proximity candidates", c -> read(prepareQuery(c, "", center, radiusMeters, limit, true)));
    }

    /** PostGIS 3.3's "index returned tuples in wrong order" (SQLSTATE XX000), see the class comment. */
    static boolean isWrongOrderDefect(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("index returned tuples in wrong order")) {
                return true;
            }
        }
        return false;
    }

    private static List<Candidate> read(PreparedStatement statement) throws SQLException {
        try (PreparedStatement ps = statement; ResultSet rs = ps.executeQuery()) {
            List<Candidate> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Candidate(UserId.of(rs.getString(1)), GeoPoint.ofLatLon(rs.getDouble(2),
                        rs.getDouble(3)), Nanos.toInstant(rs.getLong(4))));
            }
            return List.copyOf(out);
        }
    }

    /**
     * The plan PostgreSQL chooses for {@link #candidates} with these arguments
     * ({@code EXPLAIN (ANALYZE, BUFFERS)} of the very statement and bindings), for tests and operators.
     */
    public String explain(GeoPoint center, double radiusMeters, int limit) {
        Objects.requireNonNull(center, "center");
        checkQuery(radiusMeters, limit);
        return jdbc().autoCommit("proximity explain", c -> {
            try (PreparedStatement ps = prepareQuery(c, "EXPLAIN (ANALYZE, BUFFERS) ", center, radiusMeters, limit, false)) {
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            }
        });
    }

    private PreparedStatement prepareQuery(Connection c, String prefix, GeoPoint center, double radius, int limit,
                                           boolean withoutIndexOrder) throws SQLException {
        PreparedStatement ps;
        if (limit <= KNN_MAX_LIMIT && !withoutIndexOrder) {
            ps = c.prepareStatement(prefix + nearestHead + limit + nearestTail);
            ps.setDouble(1, center.lon());
            ps.setDouble(2, center.lat());
            ps.setDouble(3, radius);
        } else {
            ps = c.prepareStatement(prefix + (limit == Integer.MAX_VALUE ? within : withinLimited));
            ps.setDouble(1, center.lon());
            ps.setDouble(2, center.lat());
            ps.setDouble(3, radius);
            ps.setDouble(4, center.lon());
            ps.setDouble(5, center.lat());
            if (limit != Integer.MAX_VALUE) {
                ps.setInt(6, limit);
            }
        }
        return ps;
    }

    @Override
    public int size() {
        return jdbc().autoCommit("proximity size", c -> {
            try (PreparedStatement ps = c.prepareStatement(count); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return (int) Math.min(Integer.MAX_VALUE, rs.getLong(1));
            }
        });
    }
}
