package dev.vicinity.geo.memory;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoDistance;
import dev.vicinity.geo.GeoGrid;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.CandidateVisitor;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * One query of {@link InMemoryProximityIndex}: the ring expansion over its cells (or the scan of every
 * occupied cell), and either the bounded max-heap of the best candidates so far ({@code candidates})
 * or the hand-off of each cell's hits to a visitor ({@code forEachWithin}). Locks one cell at a time;
 * a visitor is called with no monitor held. One instance per query; not thread-safe. Not API.
 */
final class ProximityQuery {
    /** Fixed-point scale of unit-vector components: about 6 mm on the earth's surface. */
    static final double SCALE = 1 << 30;
    private static final double R = GeoDistance.EARTH_RADIUS_METERS;
    private static final int STRIDE = ProximityCell.STRIDE;

    private final GeoGrid grid;
    private final InMemoryGeoCellMap<ProximityCell> cells;
    private final LongAdder cellEntries;
    final double lat0;
    final double lon0;
    final double qx;
    final double qy;
    final double qz;
    final double radius;
    final double limit2;
    final int limit;
    /** Non-null for {@code forEachWithin}: hits go to it cell by cell (no heap, no pool). */
    final @Nullable CandidateVisitor visitor;
    /** Visitor mode: cellEntries when the scan started. */
    final long entriesBefore;
    /** Visitor mode: ids visited so far (until {@code seen} takes over). */
    UserId @Nullable [] visitedIds;
    int visitedCount;
    /** Visitor mode: every id visited, once a duplicate became possible; null before. */
    @Nullable Set<UserId> seen;
    final double cosLat0;
    /** The cells of the ring being visited and lower bounds of their distance (metres). */
    long[] ringKeys = new long[16];
    double[] ringBounds = new double[16];
    int ringSize;
    /** The ring's cells, looked up before any is scanned (see {@link #scanRing}). */
    ProximityCell[] ringCells = new ProximityCell[16];
    /** Sum of values read only to bring lines into the cache (kept so the reads are not dropped). */
    int touchSink;
    /** Max-heap (root = worst kept) of squared chords and pool indices. */
    double[] hd;
    int[] hp;
    int n;
    /** {@link #kthMeters()} and the squared chord it was computed for. */
    private double kth;
    private double kthFor = Double.NaN;
    /** Every offered candidate, appended once (so heap moves copy no references). */
    UserId[] pid;
    double[] plat;
    double[] plon;
    long[] pobs;
    int pn;

    ProximityQuery(GeoGrid grid, InMemoryGeoCellMap<ProximityCell> cells, LongAdder cellEntries, GeoPoint c,
                   double radius, int limit, @Nullable CandidateVisitor visitor) {
        this.grid = grid;
        this.cells = cells;
        this.cellEntries = cellEntries;
        this.visitor = visitor;
        this.entriesBefore = visitor == null ? 0 : cellEntries.sum();
        boolean poolOnly = visitor != null;
        lat0 = c.lat();
        lon0 = c.lon();
        double phi = Math.toRadians(lat0);
        double lam = Math.toRadians(lon0);
        cosLat0 = Math.cos(phi);
        qx = cosLat0 * Math.cos(lam) * SCALE;
        qy = cosLat0 * Math.sin(lam) * SCALE;
        qz = Math.sin(phi) * SCALE;
        this.radius = radius;
        // A hair of slack so that rounding of the fixed-point vectors never drops an edge point.
        double c2 = chord2(radius + 0.01);
        this.limit2 = radius >= GeoDistance.MAX_DISTANCE_METERS ? Double.MAX_VALUE : c2;
        this.limit = limit;
        int cap = Math.min(limit, 256);
        // In visitor mode the "pool" is one cell's hits, reused from cell to cell.
        int pool = poolOnly ? 64 : 2 * cap;
        hd = new double[poolOnly ? 0 : cap];
        hp = new int[poolOnly ? 0 : cap];
        pid = new UserId[pool];
        plat = new double[pool];
        plon = new double[pool];
        pobs = new long[pool];
        visitedIds = poolOnly ? new UserId[256] : null;
    }

    /** Ring expansion; false if it gave up because scanning every occupied cell is cheaper. */
    boolean rings() {
        int rows = grid.rows();
        int row0 = grid.row(lat0);
        int budget = 2 * cells.size() + 16;
        int visited = 0;
        // A search circle holding a pole: meridians converge, so a column-based bound on unvisited
        // cells is useless there. Visit whole rows instead (few columns near a pole) and stop on the
        // latitude bound alone.
        boolean polarCap = (90.0 - Math.abs(lat0)) * GeoDistance.METERS_PER_DEGREE <= radius;
        for (int r = 0; ; r++) {
            double minWidth = Double.MAX_VALUE; // narrowest column (degrees) among rows not fully covered
            int lo = Math.max(0, row0 - r);
            int hi = Math.min(rows - 1, row0 + r);
            ringSize = 0;
            for (int row = lo; row <= hi; row++) {
                int ncol = grid.columns(row);
                int c = GeoGrid.column(lon0, ncol);
                boolean edge = row == row0 - r || row == row0 + r;
                if (polarCap) {
                    if (edge) {
                        for (int col = 0; col < ncol; col++) {
                            add(row, col, ncol);
                        }
                        visited += ncol;
                    }
                    continue;
                }
                if (edge) {
                    if (2 * r + 1 >= ncol) {
                        for (int col = 0; col < ncol; col++) {
                            add(row, col, ncol);
                        }
                        visited += ncol;
                    } else {
                        for (int d = -r; d <= r; d++) {
                            add(row, Math.floorMod(c + d, ncol), ncol);
                        }
                        visited += 2 * r + 1;
                    }
                } else if (2 * r - 1 < ncol) {
                    add(row, Math.floorMod(c - r, ncol), ncol);
                    visited++;
                    if (2 * r != ncol) {
                        add(row, Math.floorMod(c + r, ncol), ncol);
                        visited++;
                    }
                }
                if (2 * r + 1 < ncol) {
                    minWidth = Math.min(minWidth, 360.0 / ncol);
                }
            }
            scanRing();
            // Lower bound of the distance from the centre to any cell not visited yet.
            double south = row0 - r > 0 ? lat0 - grid.rowMinLat(row0 - r) : Double.POSITIVE_INFINITY;
            double north = row0 + r < rows - 1 ? grid.rowMaxLat(row0 + r) - lat0 : Double.POSITIVE_INFINITY;
            double bound = Math.min(south, north) * GeoDistance.METERS_PER_DEGREE;
            if (minWidth != Double.MAX_VALUE) {
                double dLon = Math.toRadians(Math.min(90.0, r * minWidth));
                bound = Math.min(bound, R * Math.asin(Math.min(1.0, Math.sin(dLon) * cosLat0)));
            }
            if (bound == Double.POSITIVE_INFINITY) {
                return true; // every cell visited
            }
            bound -= 1.0; // margin for rounding
            if (bound > radius) {
                return true;
            }
            if (n == limit && hd[0] <= chord2(bound)) {
                return true;
            }
            if (visited > budget) {
                n = 0;
                pn = 0;
                if (visitor != null) {
                    startDeduplicating(); // scanAll will see the users visited so far again
                }
                return false;
            }
        }
    }

    /** Queues cell ({@code row}, {@code col}) of the current ring with a lower bound of its distance. */
    private void add(int row, int col, int ncol) {
        if (ringSize == ringKeys.length) {
            ringKeys = Arrays.copyOf(ringKeys, 2 * ringSize);
            ringBounds = Arrays.copyOf(ringBounds, 2 * ringSize);
        }
        ringKeys[ringSize] = GeoGrid.key(row, col);
        ringBounds[ringSize] = cellBound(row, col, ncol);
        ringSize++;
    }

    /**
     * A lower bound (metres, minus a 1 m margin) of the distance from the centre to any point of
     * cell ({@code row}, {@code col}): the larger of the latitude gap (exact along a meridian) and
     * the distance to the nearest meridian the cell spans, R asin(sin dLon cos lat0), bounded
     * below without trigonometry (asin y &gt;= y; sin x &gt;= x (1 - x&sup2;/6), increasing up to
     * 1.4 rad).
     */
    private double cellBound(int row, int col, int ncol) {
        double south = grid.rowMinLat(row);
        double north = grid.rowMaxLat(row);
        double dLat = lat0 < south ? south - lat0 : lat0 > north ? lat0 - north : 0.0;
        double width = 360.0 / ncol;
        double t = (lon0 - (-180.0 + col * width)) % 360.0; // eastward offset from the west edge
        if (t < 0) {
            t += 360.0;
        }
        double lonMeters = 0.0;
        if (t > width) {
            double x = Math.min(Math.toRadians(Math.min(t - width, 360.0 - t)), 1.4);
            lonMeters = R * x * (1.0 - x * x / 6.0) * cosLat0;
        }
        return Math.max(dLat * GeoDistance.METERS_PER_DEGREE, lonMeters) - 1.0;
    }

    /**
     * Scans the queued ring nearest cell first (small rings are sorted by bound), skipping cells
     * that lie beyond the radius or, once {@code limit} are kept, beyond the farthest kept.
     */
    private void scanRing() {
        int m = ringSize;
        boolean sorted = m <= 32;
        if (sorted) {
            for (int i = 1; i < m; i++) {
                long k = ringKeys[i];
                double b = ringBounds[i];
                int j = i - 1;
                while (j >= 0 && ringBounds[j] > b) {
                    ringKeys[j + 1] = ringKeys[j];
                    ringBounds[j + 1] = ringBounds[j];
                    j--;
                }
                ringKeys[j + 1] = k;
                ringBounds[j + 1] = b;
            }
        }
        // Look the ring's cells up first and touch each one's slot array: these loads do not depend on
        // one another, so their cache misses overlap instead of each waiting behind the previous cell's
        // scan (in a heap of gigabytes, a miss costs a few hundred cycles). The touch reads a field
        // without the monitor; its value is not used.
        if (ringCells.length < m) {
            ringCells = new ProximityCell[ringKeys.length];
        }
        int touched = 0;
        int reach = 0;
        for (int i = 0; i < m; i++) {
            double b = ringBounds[i];
            if (b > radius || (n == limit && b > kthMeters())) {
                ringCells[i] = null;
                if (sorted) {
                    break;
                }
                continue;
            }
            ProximityCell cell = cells.get(ringKeys[i]);
            ringCells[i] = cell;
            reach = i + 1;
            if (cell != null) {
                touched += cell.data.length;
            }
        }
        touchSink += touched;
        for (int i = 0; i < reach; i++) {
            ProximityCell cell = ringCells[i];
            if (cell == null) {
                continue;
            }
            ringCells[i] = null;
            double b = ringBounds[i];
            if (n == limit && b > kthMeters()) {
                if (sorted) {
                    Arrays.fill(ringCells, i, reach, null);
                    return;
                }
                continue;
            }
            scanCell(cell);
        }
    }

    /** The great-circle distance (metres) of the farthest candidate kept; the heap is full. */
    private double kthMeters() {
        double top = hd[0];
        if (top != kthFor) { // asin is slow: only when the farthest kept changed
            double c = Math.sqrt(top) / SCALE;
            kthFor = top;
            kth = 2.0 * R * Math.asin(Math.min(1.0, c / 2.0));
        }
        return kth;
    }

    void scanAll() {
        cells.forEach(this::scanCell);
    }

    private void scanCell(ProximityCell cell) {
        if (visitor != null) {
            scanCellForVisitor(cell);
            return;
        }
        synchronized (cell) {
            long[] d = cell.data;
            int size = cell.size;
            double lim = n == limit ? hd[0] : limit2;
            for (int i = 0, j = 0; i < size; i++, j += STRIDE) {
                long xy = d[j];
                double dx = (int) (xy >> 32) - qx;
                double dy = (int) xy - qy;
                double dz = (int) (d[j + 1] >> 32) - qz;
                double d2 = dx * dx + dy * dy + dz * dz;
                if (d2 <= lim) {
                    offer(d2, cell, i);
                    lim = n == limit ? hd[0] : limit2;
                }
            }
        }
    }

    /** Adds slot {@code s} of {@code cell} (whose monitor the caller holds) to the bounded max-heap. */
    private void offer(double d2, ProximityCell cell, int s) {
        if (pn == pid.length) {
            grow();
        }
        int p = pn++;
        pid[p] = cell.ids[s];
        plat[p] = cell.lat(s);
        plon[p] = cell.lon(s);
        pobs[p] = cell.millis(s);
        int i;
        if (n < limit) {
            if (n == hd.length) {
                int cap = (int) Math.min(limit, 2L * n);
                hd = Arrays.copyOf(hd, cap);
                hp = Arrays.copyOf(hp, cap);
            }
            i = n++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (hd[parent] >= d2) {
                    break;
                }
                hd[i] = hd[parent];
                hp[i] = hp[parent];
                i = parent;
            }
        } else {
            i = siftDown(0, n, d2);
        }
        hd[i] = d2;
        hp[i] = p;
    }

    private void grow() {
        int cap = 2 * pn;
        pid = Arrays.copyOf(pid, cap);
        plat = Arrays.copyOf(plat, cap);
        plon = Arrays.copyOf(plon, cap);
        pobs = Arrays.copyOf(pobs, cap);
    }

    /** Sifts a hole at {@code i} down in a heap of {@code size} for a value {@code d}; returns where it goes. */
    private int siftDown(int i, int size, double d) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return i;
            }
            int c = l + 1 < size && hd[l + 1] > hd[l] ? l + 1 : l;
            if (hd[c] <= d) {
                return i;
            }
            hd[i] = hd[c];
            hp[i] = hp[c];
            i = c;
        }
    }

    /** Visitor mode: copies the cell's hits under its monitor, then visits them outside it. */
    private void scanCellForVisitor(ProximityCell cell) {
        pn = 0;
        synchronized (cell) {
            long[] d = cell.data;
            int size = cell.size;
            for (int i = 0, j = 0; i < size; i++, j += STRIDE) {
                long xy = d[j];
                double dx = (int) (xy >> 32) - qx;
                double dy = (int) xy - qy;
                double dz = (int) (d[j + 1] >> 32) - qz;
                if (dx * dx + dy * dy + dz * dz <= limit2) {
                    if (pn == pid.length) {
                        grow();
                    }
                    int p = pn++;
                    pid[p] = cell.ids[i];
                    plat[p] = cell.lat(i);
                    plon[p] = cell.lon(i);
                    pobs[p] = cell.millis(i);
                }
            }
        }
        if (pn == 0) {
            return;
        }
        // The visitor will likely hash or compare each id: touch them all first, so that their cache
        // misses (the id and its string) overlap instead of coming one visit at a time.
        int touched = 0;
        for (int p = 0; p < pn; p++) {
            touched += pid[p].hashCode();
        }
        touchSink += touched;
        // A user seen in an earlier cell can be here too only if it entered this cell since the
        // scan started; the increment happened under this cell's monitor, so it is visible now.
        if (seen == null && cellEntries.sum() != entriesBefore) {
            startDeduplicating();
        }
        CandidateVisitor visitor = Objects.requireNonNull(this.visitor, "visitor mode");
        for (int p = 0; p < pn; p++) {
            UserId u = pid[p];
            Set<UserId> seen = this.seen;
            if (seen != null) {
                if (!seen.add(u)) {
                    continue;
                }
            } else {
                UserId[] visitedIds = Objects.requireNonNull(this.visitedIds, "visitor mode until deduplicating");
                if (visitedCount == visitedIds.length) {
                    visitedIds = Arrays.copyOf(visitedIds, 2 * visitedCount);
                    this.visitedIds = visitedIds;
                }
                visitedIds[visitedCount++] = u;
            }
            long millis = pobs[p];
            visitor.visit(u, plat[p], plon[p], Math.floorDiv(millis, 1000L),
                    (int) Math.floorMod(millis, 1000L) * 1_000_000);
        }
    }

    private void startDeduplicating() {
        if (seen == null) {
            Set<UserId> seen = new HashSet<>(Math.max(16, 4 * visitedCount));
            UserId[] visitedIds = Objects.requireNonNull(this.visitedIds, "visitor mode");
            for (int i = 0; i < visitedCount; i++) {
                seen.add(visitedIds[i]);
            }
            this.seen = seen;
            visitedIds = null;
        }
    }

    List<Candidate> results(boolean mayHaveDuplicates) {
        // Heap-sort in place: repeatedly move the farthest to the end.
        for (int m = n - 1; m > 0; m--) {
            double d = hd[m];
            int p = hp[m];
            hd[m] = hd[0];
            hp[m] = hp[0];
            int i = siftDown(0, m, d);
            hd[i] = d;
            hp[i] = p;
        }
        Candidate[] out = new Candidate[n];
        int size = 0;
        // Only if users entered cells while the query ran can one have been seen twice (before and
        // after a move); then keep the nearer sighting. Otherwise skip the check: it would touch every id.
        Set<UserId> seen = mayHaveDuplicates ? new HashSet<>(2 * n) : null;
        for (int i = 0; i < n; i++) {
            int p = hp[i];
            UserId u = pid[p];
            if (seen != null && !seen.add(u)) {
                continue;
            }
            out[size++] = new Candidate(u, GeoPoint.ofLatLon(plat[p], plon[p]), Instant.ofEpochMilli(pobs[p]));
        }
        return Collections.unmodifiableList(Arrays.asList(size == n ? out : Arrays.copyOf(out, size)));
    }

    /** Squared chord (in fixed-point units) of a great-circle distance in metres. */
    static double chord2(double meters) {
        if (meters <= 0) {
            return 0;
        }
        double theta = Math.min(Math.PI, meters / R);
        double c = 2 * Math.sin(theta / 2) * SCALE;
        return c * c;
    }
}
