package dev.vicinity.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.InvalidInputException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GeoGridTest {

    @Test
    void snapIsIdempotentAndWithinTheDeclaredErrorAwayFromThePoles() {
        GeoGrid grid = GeoGrid.withCellSize(250);
        Random rnd = new Random(31);
        for (int i = 0; i < 100_000; i++) {
            GeoPoint p = GeoPoint.ofLatLon(rnd.nextDouble() * 170 - 85, rnd.nextDouble() * 360 - 180);
            GeoPoint s = grid.snap(p);
            assertThat(grid.snap(s)).isEqualTo(s);
            assertThat(grid.cellKey(s)).isEqualTo(grid.cellKey(p));
            assertThat(GeoDistance.meters(p, s)).isLessThanOrEqualTo(grid.maxSnapErrorMeters());
        }
    }

    @Test
    void pointsOfOneCellSnapToOnePointAndNeighboursDoNot() {
        GeoGrid grid = GeoGrid.withCellSize(250);
        GeoPoint c = grid.snap(GeoPoint.ofLatLon(52.52, 13.405));
        assertThat(grid.snap(GeoPoint.ofLatLon(c.lat() + 0.0005, c.lon() - 0.0005))).isEqualTo(c);
        assertThat(grid.snap(GeoPoint.ofLatLon(c.lat() + 0.003, c.lon()))).isNotEqualTo(c);
    }

    @Test
    void cellsAreAtLeastTheNominalSizeAndLessThanTwiceAsWide() {
        GeoGrid grid = GeoGrid.withCellSize(250);
        for (double lat : new double[] {0, 30, 52.5, 70, 84}) {
            int row = grid.row(lat);
            double mid = Math.toRadians((grid.rowMinLat(row) + grid.rowMaxLat(row)) / 2);
            double width = 360.0 / grid.columns(row) * GeoDistance.METERS_PER_DEGREE * Math.cos(mid);
            assertThat(width).isBetween(250.0, 500.0);
        }
    }

    @Test
    void rejectsCellSizesOutOfRange() {
        assertThatThrownBy(() -> GeoGrid.withCellSize(0.5)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> GeoGrid.withCellSize(Double.NaN)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> GeoGrid.withCellSize(200_000)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void polarRowsAreAtLeastTheNominalCellHighAndWide() {
        for (double size : new double[] {250, 100, 333, 1_000, 7_777}) {
            GeoGrid grid = GeoGrid.withCellSize(size);
            for (int row : new int[] {0, 1, grid.rows() - 2, grid.rows() - 1}) {
                double height = (grid.rowMaxLat(row) - grid.rowMinLat(row)) * GeoDistance.METERS_PER_DEGREE;
                assertThat(height).as("height of row %d at %s m", row, size).isGreaterThanOrEqualTo(size * (1 - 1e-9))
                        .isLessThan(2 * size);
                double mid = Math.toRadians((grid.rowMinLat(row) + grid.rowMaxLat(row)) / 2);
                double width = 360.0 / grid.columns(row) * GeoDistance.METERS_PER_DEGREE * Math.cos(mid);
                assertThat(width >= size * (1 - 1e-9) || grid.columns(row) == 1).isTrue();
            }
            assertThat(grid.rowMaxLat(grid.rows() - 1)).isEqualTo(90.0);
            assertThat(grid.row(90)).isEqualTo(grid.rows() - 1);
            // Polar cells (wedges around a pole) cover at least a nominal cell's area, and a user 5 m
            // from a pole is shown at least half a cell away from where they are.
            double r = GeoDistance.EARTH_RADIUS_METERS;
            int top = grid.rows() - 1;
            double topArea = 2 * Math.PI * r * r * (1 - Math.sin(Math.toRadians(grid.rowMinLat(top)))) / grid.columns(top);


            assertThat(topArea).isGreaterThanOrEqualTo(size * size);
            double southCap = 2 * Math.PI * r * r * (1 - Math.cos(Math.toRadians(grid.rowMaxLat(0) + 90))) / grid.columns(0);
            assertThat(southCap).isGreaterThanOrEqualTo(size * size * 0.99);

            for (double sign : new double[] {1, -1}) {
                GeoPoint victim = GeoPoint.ofLatLon(sign * (90 - 5 / GeoDistance.METERS_PER_DEGREE), 10);
                assertThat(GeoDistance.meters(victim, centroidOfCell(grid, victim)))
                        .as("the best estimate of a victim 5 m from a pole, %s m cells", size)
                        .isGreaterThanOrEqualTo(size / 2);
            }
        }
    }

    /** The centroid (mean unit vector) of the cell of {@code p}: an attacker's best estimate knowing only the cell. */
    static GeoPoint centroidOfCell(GeoGrid grid, GeoPoint p) {
        long key = grid.cellKey(p);
        double x = 0;
        double y = 0;
        double z = 0;
        Random rnd = new Random(7);
        double reachDeg = 4 * grid.cellDegrees();
        for (int i = 0; i < 200_000; i++) {
            // Uniform on the sphere's polar cap around p's pole.
            double lat = Math.signum(p.lat()) * Math.toDegrees(Math.asin(1 - rnd.nextDouble()
                    * (1 - Math.sin(Math.toRadians(90 - reachDeg)))));
            double lon = rnd.nextDouble() * 360 - 180;
            if (grid.cellKey(lat, lon) != key) {
                continue;
            }
            double la = Math.toRadians(lat);
            double lo = Math.toRadians(lon);
            x += Math.cos(la) * Math.cos(lo);
            y += Math.cos(la) * Math.sin(lo);
            z += Math.sin(la);
        }
        return GeoPoint.ofLatLon(Math.toDegrees(Math.atan2(z, Math.hypot(x, y))), Math.toDegrees(Math.atan2(y, x)));
    }
}
