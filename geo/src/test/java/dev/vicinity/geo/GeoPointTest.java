package dev.vicinity.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GeoPointTest {

    @Test
    void rejectsNanInfinitiesAndOutOfRangeWithInvalidCoordinates() {
        double[][] bad = {
            {Double.NaN, 0}, {0, Double.NaN}, {Double.POSITIVE_INFINITY, 0}, {0, Double.NEGATIVE_INFINITY},
            {90.0000001, 0}, {-90.5, 0}, {0, 180.0000001}, {0, -181}
        };
        for (double[] b : bad) {
            assertThatThrownBy(() -> GeoPoint.ofLatLon(b[0], b[1]))
                    .isInstanceOf(InvalidLocationException.class)
                    .hasFieldOrPropertyWithValue("code", GeoErrorCodes.INVALID_COORDINATES);
        }
    }

    @Test
    void normalisesTheAntimeridianPolesAndNegativeZero() {
        assertThat(GeoPoint.ofLatLon(10, 180)).isEqualTo(GeoPoint.ofLatLon(10, -180));
        assertThat(GeoPoint.ofLatLon(10, 180).lon()).isEqualTo(-180.0);
        assertThat(GeoPoint.ofLatLon(90, 45)).isEqualTo(GeoPoint.ofLatLon(90, -120));
        assertThat(GeoPoint.ofLatLon(-0.0, -0.0)).isEqualTo(GeoPoint.ofLatLon(0.0, 0.0));
        assertThat(GeoPoint.ofLatLon(-0.0, 5).hashCode()).isEqualTo(GeoPoint.ofLatLon(0.0, 5).hashCode());
    }

    @Test
    void acceptsTheExtremes() {
        assertThat(GeoPoint.ofLatLon(-90, -180).lat()).isEqualTo(-90.0);
        assertThat(GeoPoint.ofLatLon(45.5, -180).lon()).isEqualTo(-180.0);
    }

    @Test
    void toStringIsForDebuggingAndTheFixNeverPrintsCoordinates() {
        LocationFix fix = LocationFix.precise(52.123456, 13.654321, 5, java.time.Instant.EPOCH);
        assertThat(fix.toString()).doesNotContain("52.12").doesNotContain("13.65");
    }

    @Test
    void distanceIsSymmetricZeroOnItselfAndHalfCircumferenceAtTheAntipode() {
        GeoPoint a = GeoPoint.ofLatLon(52.52, 13.405);
        GeoPoint b = GeoPoint.ofLatLon(48.8566, 2.3522);
        assertThat(a.distanceTo(a)).isZero();
        assertThat(a.distanceTo(b)).isEqualTo(b.distanceTo(a));
        assertThat(a.distanceTo(b)).isBetween(877_000.0, 880_000.0); // Berlin-Paris ~878 km
        assertThat(GeoPoint.ofLatLon(0, 0).distanceTo(GeoPoint.ofLatLon(0, 180)))
                .isCloseTo(GeoDistance.MAX_DISTANCE_METERS, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(GeoPoint.ofLatLon(0, 179.9999).distanceTo(GeoPoint.ofLatLon(0, -179.9999))).isBetween(22.0, 23.0);
    }
}
