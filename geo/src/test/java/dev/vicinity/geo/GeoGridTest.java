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
}
