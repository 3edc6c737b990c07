package dev.vicinity.geo.memory;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoGrid;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.CandidateVisitor;
import dev.vicinity.geo.spi.ProximityIndex;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory {@link ProximityIndex}: a cell grid ({@link GeoGrid}) whose cells keep their
 * users' data inline in one {@code long[]} per cell, three longs per user (fixed-point unit vector,
 * fixed-point latitude and longitude, observation time relative to a per-cell base), so scanning a
 * cell reads one contiguous array and touches no object per candidate. A query visits rings of cells around the centre, nearest cell of a ring first,
 * skipping a cell whose distance lower bound exceeds the radius or the {@code limit}-th best so far;
 * it keeps the best {@code limit} in a bounded heap ordered by chord length (monotone in the
 * great-circle distance, hence in the canonical haversine distance) and stops as soon as the
 * {@code limit}-th best distance is below a lower bound of the distance to every cell not yet
 * visited, or that bound exceeds the radius. So "k nearest within R" costs about
 * O(k log k + users in the cells visited), not O(users within R). When the rings would visit more
 * cells than are occupied (sparse data, huge radius), it scans the occupied cells instead.
 *
 * <p>Precision: positions are kept to about 6 mm (a returned point is within 6 mm of the upserted
 * one); distances are exact haversine up to that. Observation times are kept to the millisecond.
 *
 * <p>Memory: about 86 bytes per user at 250 m cells (the slot, the id and entry references in the
 * cell, one small entry object and its slot in an open-addressing user table; the {@link UserId}s
 * themselves are the caller's).
 *
 * <p>Thread-safety: every cell is guarded by its own monitor; an update locks the user's entry
 * and then the one or two cells involved (in key order, so no deadlock); a query locks one cell
 * at a time. A move between cells is atomic for each cell; a query that runs while a user moves
 * returns that user at most once, and may miss it (it scans cells one after another). Empty cells
 * are dropped, so memory follows the number of users (see {@code docs/benchmarks.md} for the bytes
 * per user measured). The cells live in {@link ProximityCell}; the ring expansion, the heap and the
 * visitor hand-off of a query in {@link ProximityQuery}.
 */
public final class InMemoryProximityIndex implements ProximityIndex {
    private final GeoGrid grid;
    private final InMemoryUserTable users = new InMemoryUserTable();
    private final InMemoryGeoCellMap<ProximityCell> cells = new InMemoryGeoCellMap<>();
    /** Counts users entering a cell (insert or move); a query that saw it change may hold a user twice. */
    private final LongAdder cellEntries = new LongAdder();

    /** An index over cells of about 250 m (good up to a few thousand users per km²). */
    public InMemoryProximityIndex() {
        this(250.0);
    }

    /**
     * An index over cells of about {@code cellMeters}. Pick roughly the radius that holds a
     * typical page of results: smaller cells for denser data.
     *
     * @throws InvalidInputException {@code invalid_argument} unless 1 &lt;= cellMeters &lt;= 100,000
     */
    public InMemoryProximityIndex(double cellMeters) {
        this.grid = GeoGrid.withCellSize(cellMeters);
    }


    /**
     * Inserts or moves {@code user}. O(1) expected (amortised array growth); a move between cells
     * is atomic for concurrent queries.
     */
    @Override
    public void upsert(UserId user, GeoPoint point, Instant observedAt) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(observedAt, "observedAt");
        double lat = point.lat();
        double lon = point.lon();
        double phi = Math.toRadians(lat);
        double lam = Math.toRadians(lon);
        double cp = Math.cos(phi);
        int x = (int) Math.round(cp * Math.cos(lam) * ProximityQuery.SCALE);
        int y = (int) Math.round(cp * Math.sin(lam) * ProximityQuery.SCALE);
        long xy = ProximityCell.xy(x, y);
        int z = (int) Math.round(Math.sin(phi) * ProximityQuery.SCALE);
        int latQ = ProximityCell.latFixed(lat);
        int lonQ = ProximityCell.lonFixed(lon);
        long millis = observedAt.toEpochMilli();
        long key = grid.cellKey(lat, lon);
        // The target cell does not depend on the user: look it up (and touch its slot array) before the
        // user's entry, so that the two chains of cache misses overlap. For a move within the cell (the
        // common case) it is the entry's own cell. The touch reads a field without the monitor.
        ProximityCell hint = cells.get(key);
        if (hint != null && hint.data.length == 0) { // never true (a slot array is never empty): keeps the load
            hint = null;
        }
        while (true) {
            ProximityCell.Entry e = users.getOrAdd(user);
            synchronized (e) {
                if (e.removed()) {
                    continue; // removed concurrently: start over with a new entry
                }
                if (place(e, key, hint, xy, z, latQ, lonQ, millis)) {
                    return;
                }
                hint = null; // it was dead
            }
        }
    }

    /**
     * Puts {@code e} (whose monitor is held) into cell {@code key} ({@code hint}, if not null, is the
     * cell found under that key a moment ago); false if a dead cell was hit (retry).
     */
    private boolean place(ProximityCell.Entry e, long key, @Nullable ProximityCell hint, long xy, int z, int lat, int lon,
                          long millis) {
        ProximityCell old = e.cell;
        if (old != null && old.key == key) {
            // Same cell (the common small move): no map lookup. The user is in it, so it is not dead.
            synchronized (old) {
                old.set(e.slot, xy, z, lat, lon, millis);
                return true;
            }
        }
        ProximityCell target = hint != null ? hint : cells.computeIfAbsent(key, ProximityCell::new);
        if (old == target) {
            synchronized (target) {
                target.set(e.slot, xy, z, lat, lon, millis);
                return true;
            }
        }
        if (old == null) {
            synchronized (target) {
                if (target.dead) {
                    cells.remove(key, target);
                    return false;
                }
                target.append(e, xy, z, lat, lon, millis);
                cellEntries.increment();
                return true;
            }
        }
        ProximityCell first = old.key < target.key ? old : target;
        ProximityCell second = first == old ? target : old;
        synchronized (first) {
            synchronized (second) {
                if (target.dead) {
                    cells.remove(key, target);
                    return false;
                }
                if (old.removeAt(e.slot)) {
                    cells.remove(old.key, old);
                }
                target.append(e, xy, z, lat, lon, millis);
                cellEntries.increment();
                return true;
            }
        }
    }

    /** Removes {@code user}. O(1). */
    @Override
    public boolean remove(UserId user) {
        Objects.requireNonNull(user, "user");
        ProximityCell.Entry e = users.get(user);
        if (e == null) {
            return false;
        }
        synchronized (e) {
            if (e.removed()) {
                return false;
            }
            ProximityCell c = e.cell;
            if (c != null) {
                synchronized (c) {
                    if (c.removeAt(e.slot)) {
                        cells.remove(c.key, c);
                    }
                }
            }
            e.cell = null;
            e.slot = ProximityCell.Entry.REMOVED;
            users.remove(e);
            return true;
        }
    }

    /** Number of indexed users. O(1). */
    @Override
    public int size() {
        return users.size();
    }

    /** Number of occupied cells (for memory accounting). O(1). */
    public int occupiedCells() {
        return cells.size();
    }

    /**
     * The {@code limit} nearest users within {@code radiusMeters}, nearest first. Expected cost
     * O(k log k + users in the cells visited); the cells visited are those of the rings around the
     * centre up to the {@code limit}-th distance (or the radius).
     */
    @Override
    public List<Candidate> candidates(GeoPoint center, double radiusMeters, int limit) {
        Objects.requireNonNull(center, "center");
        if (!(radiusMeters >= 0) || Double.isInfinite(radiusMeters)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "radius must be a finite number >= 0");
        }
        if (limit < 1) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "limit must be >= 1");
        }
        long entriesBefore = cellEntries.sum();
        ProximityQuery q = new ProximityQuery(grid, cells, cellEntries, center, radiusMeters, limit, null);
        if (!q.rings()) {
            q.scanAll();
        }
        return q.results(cellEntries.sum() != entriesBefore);
    }

    /**
     * Every user within {@code radiusMeters}, unordered, without a {@link Candidate} per user: the
     * cells are visited as by {@link #candidates} (no heap); each cell's hits are copied into a small
     * reused buffer under the cell's monitor and handed to the visitor after it is released (so a
     * slow or re-entrant visitor never blocks updates). A user is visited at most once: the ids
     * visited are recorded, and checked against only once users entered cells during the scan (or
     * the ring scan gave way to a scan of every cell). O(users in the cells visited).
     */
    @Override
    public void forEachWithin(GeoPoint center, double radiusMeters, CandidateVisitor visitor) {
        Objects.requireNonNull(center, "center");
        Objects.requireNonNull(visitor, "visitor");
        if (!(radiusMeters >= 0) || Double.isInfinite(radiusMeters)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "radius must be a finite number >= 0");
        }
        ProximityQuery q = new ProximityQuery(grid, cells, cellEntries, center, radiusMeters, Integer.MAX_VALUE, visitor);
        if (!q.rings()) {
            q.scanAll();
        }
    }

}
