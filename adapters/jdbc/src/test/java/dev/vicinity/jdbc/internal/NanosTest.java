package dev.vicinity.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NanosTest {
    @Test
    void epochAndNeighbours() {
        assertThat(Nanos.of(Instant.EPOCH)).isZero();
        assertThat(Nanos.of(Instant.parse("1970-01-01T00:00:01.000000002Z"))).isEqualTo(1_000_000_002L);
        assertThat(Nanos.toInstant(-1)).isEqualTo(Instant.parse("1969-12-31T23:59:59.999999999Z"));
        assertThat(Nanos.of(Instant.parse("1969-12-31T23:59:59.999999999Z"))).isEqualTo(-1);
        assertThat(Nanos.toInstant(-1_500_000_000L)).isEqualTo(Instant.parse("1969-12-31T23:59:58.5Z"));
    }

    @Test
    void everyInstantInRangeRoundTripsExactly() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            long ns = random.nextLong();
            Instant at = Nanos.toInstant(ns);
            assertThat(Nanos.of(at)).isEqualTo(ns);
            assertThat(Nanos.toInstant(Nanos.of(at))).isEqualTo(at);
        }
        assertThat(Nanos.of(Nanos.toInstant(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        assertThat(Nanos.of(Nanos.toInstant(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
        assertThat(Nanos.toInstant(Long.MAX_VALUE)).isEqualTo(Instant.parse("2262-04-11T23:47:16.854775807Z"));
        assertThat(Nanos.toInstant(Long.MIN_VALUE)).isEqualTo(Instant.parse("1677-09-21T00:12:43.145224192Z"));
    }

    @Test
    void instantsOutsideTheRangeAreInvalidInput() {
        for (Instant outside : new Instant[] {Nanos.toInstant(Long.MAX_VALUE).plusNanos(1),
                Nanos.toInstant(Long.MIN_VALUE).minusNanos(1), Instant.MAX, Instant.MIN}) {
            InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> Nanos.of(outside));
            assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("1677..2262");
        }
    }

    @Test
    void sqlNullIsNull() {
        assertThat(Nanos.toInstantOrNull(null)).isNull();
        assertThat(Nanos.toInstantOrNull(7L)).isEqualTo(Instant.ofEpochSecond(0, 7));
    }
}
