package dev.vicinity.geo;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import java.util.Objects;

/**
 * A fixed, world-wide grid of roughly square cells of about {@link #cellMeters()} on each side. It
 * serves two purposes: privacy snapping ({@link #snap}: every stored and compared position is the
 * centre of its cell) and cell indexes (a backend can bucket points by {@link #cellKey}).
 *
 * <p>Layout: rows of equal latitude height {@link #cellDegrees()}, numbered from the south pole,
 * except the northernmost row, which also takes the remainder of 180° that is not a whole row (its
 * height is in [1, 2) rows), so no polar cell is smaller than the nominal cell (a partial top row
 * made the North Pole cell as small as a fraction of a metre, which located a user near the pole).
 * Row {@code r} is cut into {@link #columns(int) columns(r)} equal longitude slices numbered
 * eastwards from -180, chosen so that a cell is at least {@code cellMeters} and less than twice
 * that wide at the row's middle latitude (near the poles a row may be a single cell). The grid
 * depends only on the cell size, so every node and every backend agrees on it.
 *
 * <p>Immutable and thread-safe; every method is O(1).
 */
public final class GeoGrid {
    /** Smallest accepted cell size in metres. */
    public static final double MIN_CELL_METERS = 1.0;
    /** Largest accepted cell size in metres. */
    public static final double MAX_CELL_METERS = 100_000.0;

    private final double cellMeters;
    private final double cellDeg;
    private final int rows;

    private GeoGrid(double cellMeters) {
        this.cellMeters = cellMeters;
        this.cellDeg = cellMeters / GeoDistance.METERS_PER_DEGREE;
        // Whole rows only: the top row absorbs the remainder (see the class comment).
        this.rows = Math.max(1, (int) Math.floor(180.0 / cellDeg + 1e-9));
    }

    /**
     * A grid with cells of about {@code cellMeters}.
     *
     * @throws InvalidInputException code {@code invalid_argument} unless 1 &lt;= cellMeters &lt;= 100,000
     */
    public static GeoGrid withCellSize(double cellMeters) {
        if (!(cellMeters >= MIN_CELL_METERS && cellMeters <= MAX_CELL_METERS)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT,
                    "cell size must be within [" + MIN_CELL_METERS + ", " + MAX_CELL_METERS + "] metres");
        }
        return new GeoGrid(cellMeters);
    }

    /** The nominal cell size in metres (cell height; widths are in [size, 2 size) except at the poles). */
    public double cellMeters() {
        return cellMeters;
    }

    /** The cell height in degrees of latitude. */
    public double cellDegrees() {
        return cellDeg;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** The row containing latitude {@code lat} (degrees); clamped into [0, rows). */
    public int row(double lat) {
        int r = (int) Math.floor((lat + 90.0) / cellDeg);
        return r < 0 ? 0 : Math.min(r, rows - 1);
    }

    /** Southern edge of {@code row} in degrees. */
    public double rowMinLat(int row) {
        return -90.0 + row * cellDeg;
    }

    /** Northern edge of {@code row} in degrees (90 for the last row, which is 1 to 2 rows high). */
    public double rowMaxLat(int row) {
        return row >= rows - 1 ? 90.0 : Math.min(90.0, -90.0 + (row + 1) * cellDeg);
    }

    /** Number of columns of {@code row} (at least 1). */
    public int columns(int row) {
        double mid = Math.toRadians((rowMinLat(row) + rowMaxLat(row)) * 0.5);
        double n = Math.floor(360.0 * Math.cos(mid) / cellDeg);
        return n < 1 ? 1 : (int) Math.min(n, Integer.MAX_VALUE >> 1);
    }

    /** The column of {@code row} containing longitude {@code lon} (degrees); clamped into [0, columns). */
    public int column(int row, double lon) {
        return column(lon, columns(row));
    }

    /** The column containing {@code lon} in a row of {@code columns} columns; clamped into [0, columns). */
    public static int column(double lon, int columns) {
        int c = (int) Math.floor((lon + 180.0) / 360.0 * columns);
        return c < 0 ? 0 : Math.min(c, columns - 1);
    }

    /** The key of the cell containing {@code p}: {@code row << 32 | column}. */
    public long cellKey(GeoPoint p) {
        Objects.requireNonNull(p, "point");
        return cellKey(p.lat(), p.lon());
    }

    /** The key of the cell containing the point given in degrees: {@code row << 32 | column}. */
    public long cellKey(double lat, double lon) {
        int r = row(lat);
        return key(r, column(r, lon));
    }

    /** The key of cell ({@code row}, {@code column}). */
    public static long key(int row, int column) {
        return ((long) row << 32) | (column & 0xFFFF_FFFFL);
    }

    /** The row of a cell key. */
    public static int rowOf(long key) {
        return (int) (key >>> 32);
    }

    /** The column of a cell key. */
    public static int columnOf(long key) {
        return (int) key;
    }

    /** The centre of cell ({@code row}, {@code column}). */
    public GeoPoint center(int row, int column) {
        int n = columns(row);
        double lat = (rowMinLat(row) + rowMaxLat(row)) * 0.5;
        double lon = -180.0 + (column + 0.5) * 360.0 / n;
        return GeoPoint.ofLatLon(lat, lon);
    }

    /** The centre of the cell containing {@code p}: the only position Vicinity stores or compares. */
    public GeoPoint snap(GeoPoint p) {
        long k = cellKey(p);
        return center(rowOf(k), columnOf(k));
    }

    /**
     * An upper bound in metres of the distance between a point and its snapped position, valid
     * everywhere except within a few cells of the poles, where cells are smaller than elsewhere
     * anyway: half the diagonal of a cell {@code size} high and {@code 2 size} wide, plus 1 %.
     */
    public double maxSnapErrorMeters() {
        return 0.5 * Math.sqrt(5.0) * cellMeters * 1.01;
    }
}
