package dev.vicinity.h2gis;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.BoundingBox;
import dev.vicinity.geo.GeoDistance;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.PrecisionModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link dev.vicinity.geo.spi.ProximityIndex} on H2: a {@code proximity} table with a planar point per user (x = longitude,
 * y = latitude, degrees) under an R-tree {@code SPATIAL INDEX}, and the exact coordinates in two
 * {@code DOUBLE} columns.
 *
 * <p>Why not {@code ST_DWithin}/{@code ST_Distance}: in H2GIS they are planar on lon/lat (degrees),
 * which is wrong on a sphere (a degree of longitude shrinks with latitude). So the database only
 * selects candidates with a <em>constant</em> bounding box, {@code geom && :box}, which the R-tree
 * answers; the box is {@link BoundingBox#around} the search circle, computed in Java and split in two
 * at the antimeridian ({@code UNION ALL} of two index scans; a box around a pole spans every
 * longitude). The canonical haversine ({@link GeoDistance}) then filters and ranks the candidates in
 * Java, so inclusion and order are exact (no tolerance is used).
 *
 * <p>Nearest k within R, by expanding boxes: the first box has the radius at which the last query's
 * observed density predicts about {@code limit} users (or {@link H2gisVicinity.Builder#proximityStartRadius}
 * before any query); if fewer than {@code limit} users lie within that radius the radius grows
 * (by the square root of the shortfall, at least ×1.5, at most up to R) and the box is queried again.
 * Once {@code limit} users lie within a radius r, they are the {@code limit} nearest overall, because
 * everyone outside r is farther. So a query reads about the users of one or two boxes around the k
 * nearest, not everything inside R. {@link Integer#MAX_VALUE} as limit ("everything within R")
 * queries the box of R once.
 *
 * <p>Dense spots: a box query of a limited search normally reads at most {@code 2 × limit + 128} rows (a box whose users are all needed is read whole); a box
 * holding more is shrunk to the radius its density predicts for {@code limit} users, and if that box
 * is still full, to 0.5 m (a full box whose rows read already hold {@code limit} users within 0.5 m of
 * the centre is answered at once),
 * where any {@code limit} of its users are within the SPI's 1 m tolerance of the true nearest. So a
 * query next to thousands of users on one spot reads a bounded number of rows instead of all of them.
 *
 * <p>Consistency: each box query is one statement and sees each user once at one committed
 * position; the answer comes from the last box query alone, deduplicated by user. {@link #upsert}
 * is one {@code MERGE} (atomic); {@link #upsertAll} writes a batch in one transaction. Positions and
 * observation times read back exactly. {@link #size} counts the table (O(n)). Thread-safe; the
 * density hint is a benign racy field of this instance. Writes of one instance run one at a time
 * (queries do not wait): H2 2.4.240's spatial index stalls or deadlocks concurrent transactions that
 * move different rows (see {@code writes}).
 */
public final class H2gisProximityIndex extends JdbcProximityIndex {
    private static final int SRID = 4326;
    /** Below this box radius (metres) a truncated read is accepted: any of its users is within 1 m of the centre's nearest. */
    private static final double DENSE_RADIUS = 0.5;

    private static final Logger LOG = LoggerFactory.getLogger(H2gisProximityIndex.class);
    /** H2's ROW_NOT_FOUND_WHEN_DELETING_1: an index has no entry for a row being updated or deleted. */
    private static final int H2_ROW_NOT_FOUND_WHEN_DELETING = 90112;

    private final double startRadius;
    private final String dropSpatialIndex;
    private final String createSpatialIndex;
    private final Object rebuildLock = new Object();
    /**
     * Serializes this index's writes (upserts, batches, removals); reads are not affected. A liveness
     * workaround for H2 2.4.240, not a correctness device (atomicity still comes from H2 transactions).
     * Two H2 transactions moving <em>different</em> rows interfere in the spatial index (probably
     * because H2's R-tree, {@code MVRTreeMap}, tells its entries apart by row id alone,
     * {@code SpatialDataType.equals}, but finds them by bounding box; not proven): (a) a {@code MERGE} fails inside
     * {@code MVSpatialIndex.remove} with "Row not found when trying to delete from index" (90112), which
     * H2 retries in a busy loop for the whole {@code LOCK_TIMEOUT} (10 s) while the transaction keeps
     * the row locks of its batch; the other writer waits for one of those rows, so neither moves until
     * a lock timeout (an undetected cycle), and the template's conflict retries (up to 8) repeat it:
     * writes stalled for 30 to 80 s; (b) H2 detects a deadlock between a primary-key row lock and a
     * spatial-index entry ("Transaction 2 attempts to update map &lt;index.NN&gt; entry with key
     * &lt;rowid: box&gt; modified by transaction 1"), and a batch can exhaust its retries with
     * {@code backend_unavailable} (40001). Neither happens when one transaction at a time writes the
     * table. Fair, so a stream of single upserts cannot starve a batch. Several adapters writing one
     * database (e.g. AUTO_SERVER) are not covered by this lock; they keep H2's lock timeout, the
     * retries and the spatial-index healing.
     */
    private final java.util.concurrent.locks.ReentrantLock writes = new java.util.concurrent.locks.ReentrantLock(true);
    private final java.util.concurrent.atomic.AtomicInteger rebuilds = new java.util.concurrent.atomic.AtomicInteger();
    private final GeometryFactory geometries = new GeometryFactory(new PrecisionModel(), SRID);
    private final String upsert;
    private final String oneBox;
    private final String twoBoxes;
    private final String oneBoxLimited;
    private final String twoBoxesLimited;
    private final String count;
    /** Users per square metre seen by the last query that found anyone; 0 before that. */
    private volatile double densityHint;

    H2gisProximityIndex(Jdbc jdbc, String schema, double startRadius) {
        super(jdbc, schema);
        this.startRadius = startRadius;
        String t = schema + ".proximity";
        upsert = "MERGE INTO " + t + " (user_id, lat, lon, geom, observed_at_ns) KEY (user_id) VALUES (?, ?, ?, ?, ?)";
        String select = "SELECT user_id, lat, lon, observed_at_ns FROM " + t + " WHERE geom && ?";
        oneBox = select;
        twoBoxes = select + " UNION ALL " + select;
        oneBoxLimited = oneBox + " LIMIT ?";
        twoBoxesLimited = twoBoxes + " LIMIT ?";
        count = "SELECT COUNT(*) FROM " + t;
        dropSpatialIndex = "DROP INDEX IF EXISTS " + schema + ".proximity_geom";
        createSpatialIndex = "CREATE SPATIAL INDEX IF NOT EXISTS proximity_geom ON " + t + " (geom)";
    }

    @Override
    public void upsert(UserId user, GeoPoint point, Instant observedAt) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(point, "point");
        long at = Nanos.of(Objects.requireNonNull(observedAt, "observedAt"));
        healing(() -> jdbc().autoCommit("proximity upsert", c -> {
            try (PreparedStatement ps = c.prepareStatement(upsert)) {
                bindRow(ps, user, point, at);
                return mergeRetryingDuplicates(ps);
            }
        }));
    }

    /** One primary-key {@code DELETE}; true if the user was indexed. */
    @Override
    public boolean remove(UserId user) {
        return healing(() -> super.remove(user));
    }

    /**
     * Upserts a batch in one transaction (one connection, one commit): how high location update
     * rates should reach the database. When a user appears more than once the last entry wins, as
     * if the entries had been upserted in order. Rows are written in user order so that concurrent
     * batches lock rows in the same order.
     *
     * @return the number of distinct users written
     */
    public int upsertAll(Collection<Candidate> entries) {
        Map<String, Candidate> last = lastWins(entries);
        if (last.isEmpty()) {
            return 0;
        }
        long[] times = new long[last.size()];
        int i = 0;
        for (Candidate e : last.values()) {
            times[i++] = Nanos.of(e.observedAt());
        }
        return healing(() -> jdbc().inTransaction("proximity upsert batch", c -> {
            try (PreparedStatement ps = c.prepareStatement(upsert)) {
                int k = 0;
                for (Candidate e : last.values()) {
                    bindRow(ps, e.user(), e.point(), times[k++]);
                    mergeRetryingDuplicates(ps);
                }
            }
            return last.size();
        }));
    }

    /**
     * Runs a write; if it failed because H2's spatial index had lost track of a row (H2 2.4.240 does
     * this now and then under sustained moves: "Row not found when trying to delete from index
     * PROXIMITY_GEOM", error 90112, surfacing as a lock timeout after H2's own retries), rebuilds the
     * spatial index and runs the write once more. The failed write was rolled back, so running it
     * again is safe. Without the rebuild every later write of that row fails the same way.
     */
    private <T> T healing(Supplier<T> write) {
        writes.lock();
        try {
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (!spatialIndexLostARow(e)) {
                    throw e;
                }
                LOG.warn("H2's spatial index on the proximity table lost track of a row (H2 error {}); rebuilding it "
                        + "and retrying the write once", H2_ROW_NOT_FOUND_WHEN_DELETING);
                rebuildSpatialIndex();
                return write.get();
            }
        } finally {
            writes.unlock();
        }
    }

    private static boolean spatialIndexLostARow(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql && sql.getErrorCode() == H2_ROW_NOT_FOUND_WHEN_DELETING) {
                return true;
            }
        }
        return false;
    }

    /** Drops and recreates the spatial index (DDL: H2 commits it; concurrent statements wait for the table lock). */
    @SuppressWarnings("NullAway") // the Work returns null: there is no result (T is Void)
    void rebuildSpatialIndex() {
        synchronized (rebuildLock) {
            jdbc().autoCommit("proximity spatial index rebuild", c -> {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute(dropSpatialIndex);
                    st.execute(createSpatialIndex);
                }
                return null;
            });
            rebuilds.incrementAndGet();
        }
    }

    /** How many times the spatial index was rebuilt after losing a row (for tests and diagnostics). */
    int spatialIndexRebuilds() {
        return rebuilds.get();
    }

    @Override
    public List<Candidate> candidates(GeoPoint center, double radiusMeters, int limit) {
        Objects.requireNonNull(center, "center");
        checkQuery(radiusMeters, limit);
        return jdbc().autoCommit("proximity candidates", c -> {
            double r = limit == Integer.MAX_VALUE ? radiusMeters : Math.min(radiusMeters, firstRadius(limit));
            // A box may be read only partly (LIMIT): a box with more rows is shrunk to the radius its
            // density predicts for `limit`, so a query near thousands of users on one spot reads a bounded
            // number of rows. Once the box is under DENSE_RADIUS, any `limit` of its users are within the
            // SPI's 1 m tolerance of the true nearest.
            int maxRows = limit == Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE - 1,
                    2L * limit + 128);
            boolean shrunk = false;
            double full = Double.POSITIVE_INFINITY; // the smallest radius whose box was read only partly
            for (int round = 0; ; round++) {
                if (round == 32) {
                    maxRows = Integer.MAX_VALUE; // never expected: stop shrinking and read whole boxes
                }
                int[] rowsRead = new int[1];
                List<Hit> hits = within(c, center, r, maxRows, rowsRead);
                boolean truncated = rowsRead[0] >= maxRows;
                if (truncated && r > DENSE_RADIUS && !onSpot(hits, limit)) {
                    // Shrink to the radius the box's density predicts for `limit`; if a shrunk box is still
                    // full, the rows sit on a spot: go straight to the smallest box.
                    full = Math.min(full, r);
                    r = shrunk ? DENSE_RADIUS : Math.max(DENSE_RADIUS, r * Math.sqrt((double) limit / maxRows));
                    shrunk = true;
                    continue;
                }
                if (!truncated && r >= full) {
                    full = Double.POSITIVE_INFINITY; // that box was read whole now: no ceiling any more
                }
                if (truncated || hits.size() >= limit || r >= radiusMeters) {
                    if (!truncated && !hits.isEmpty() && r > 0) {
                        densityHint = hits.size() / (Math.PI * r * r);
                    }
                    hits.sort(Comparator.comparingDouble(Hit::distance).thenComparing(h -> h.candidate().user().value()));
                    List<Candidate> out = new ArrayList<>(Math.min(limit, hits.size()));
                    for (int i = 0; i < hits.size() && i < limit; i++) {
                        out.add(hits.get(i).candidate());
                    }
                    return List.copyOf(out);
                }
                double factor = hits.isEmpty() ? 4.0 : Math.min(4.0, Math.max(1.5, Math.sqrt((double) limit / hits.size()) * 1.2));
                double grown = Math.min(radiusMeters, Math.max(r * factor, 1.0));
                if (grown >= full) {
                    // Stay below the box that was full; once the gap is closed, read that box whole
                    // (a spot of many users between the two radii: all of them are needed).
                    grown = Math.sqrt(r * full);
                    if (grown <= r * 1.02) {
                        grown = full;
                        maxRows = Integer.MAX_VALUE;
                    }
                }
                r = grown;
            }
        });
    }

    /** Whether at least {@code limit} of the hits lie within DENSE_RADIUS: then any of them will do (1 m tolerance). */
    private static boolean onSpot(List<Hit> hits, int limit) {
        int n = 0;
        for (Hit h : hits) {
            if (h.distance() <= DENSE_RADIUS && ++n >= limit) {
                return true;
            }
        }
        return false;
    }

    /**
     * H2's plan ({@code EXPLAIN}) for the bounding-box statement of {@link #candidates} at this
     * radius: names the spatial index ({@code PROXIMITY_GEOM}) when H2 uses it. For tests and operators.
     */
    public String explain(GeoPoint center, double radiusMeters) {
        Objects.requireNonNull(center, "center");
        checkQuery(radiusMeters, 1);
        return jdbc().autoCommit("proximity explain", c -> {
            BoundingBox box = BoundingBox.around(center, radiusMeters);
            try (PreparedStatement ps = prepareBoxQuery(c, "EXPLAIN ", box); ResultSet rs = ps.executeQuery()) {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
                return plan.toString();
            }
        });
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

    private double firstRadius(int limit) {
        double density = densityHint;
        if (density <= 0) {
            return startRadius;
        }
        return Math.max(1.0, Math.sqrt(limit / (Math.PI * density)) * 1.2);
    }

    /**
     * Everyone within {@code r} metres of {@code center} (canonical distance), each user once, among at
     * most {@code maxRows} rows of the box; {@code rowsRead[0]} is set to the rows read.
     */
    private List<Hit> within(Connection c, GeoPoint center, double r, int maxRows, int[] rowsRead) throws SQLException {
        BoundingBox box = BoundingBox.around(center, r);
        List<Hit> hits = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (PreparedStatement ps = prepareBoxQuery(c, "", box, maxRows); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rowsRead[0]++;
                double lat = rs.getDouble(2);
                double lon = rs.getDouble(3);
                double d = GeoDistance.meters(center.lat(), center.lon(), lat, lon);
                if (d <= r) {
                    String id = rs.getString(1);
                    if (seen.add(id)) {
                        hits.add(new Hit(new Candidate(UserId.of(id), GeoPoint.ofLatLon(lat, lon),
                                Nanos.toInstant(rs.getLong(4))), d));
                    }
                }
            }
        }
        return hits;
    }

    private PreparedStatement prepareBoxQuery(Connection c, String prefix, BoundingBox box) throws SQLException {
        return prepareBoxQuery(c, prefix, box, Integer.MAX_VALUE);
    }

    private PreparedStatement prepareBoxQuery(Connection c, String prefix, BoundingBox box, int maxRows)
            throws SQLException {
        boolean limited = maxRows != Integer.MAX_VALUE;
        PreparedStatement ps;
        int next;
        if (box.crossesAntimeridian()) {
            ps = c.prepareStatement(prefix + (limited ? twoBoxesLimited : twoBoxes));
            ps.setObject(1, envelope(box.minLon(), 180.0, box.minLat(), box.maxLat()));
            ps.setObject(2, envelope(-180.0, box.maxLon(), box.minLat(), box.maxLat()));
            next = 3;
        } else {
            ps = c.prepareStatement(prefix + (limited ? oneBoxLimited : oneBox));
            ps.setObject(1, envelope(box.minLon(), box.maxLon(), box.minLat(), box.maxLat()));
            next = 2;
        }
        if (limited) {
            ps.setInt(next, maxRows);
        }
        return ps;
    }

    private Geometry envelope(double minLon, double maxLon, double minLat, double maxLat) {
        return geometries.toGeometry(new Envelope(minLon, maxLon, minLat, maxLat));
    }

    private void bindRow(PreparedStatement ps, UserId user, GeoPoint point, long at) throws SQLException {
        ps.setString(1, user.value());
        ps.setDouble(2, point.lat());
        ps.setDouble(3, point.lon());
        ps.setObject(4, geometries.createPoint(new Coordinate(point.lon(), point.lat())));
        ps.setLong(5, at);
    }

    /** A MERGE of a new key can lose a race with another MERGE of that key: then it is an update. */
    private int mergeRetryingDuplicates(PreparedStatement ps) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try {
                return ps.executeUpdate();
            } catch (SQLException e) {
                if (attempt >= 3 || !jdbc().dialect().isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    /** A candidate with its canonical distance from the query centre. */
    private record Hit(Candidate candidate, double distance) {}
}
