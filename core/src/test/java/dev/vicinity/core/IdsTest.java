package dev.vicinity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    @Test
    void validIdsRoundTripThroughTheirCompactForm() {
        UserId u = UserId.of("alice@example.com");
        assertThat(u.value()).isEqualTo("alice@example.com");
        assertThat(u.toString()).isEqualTo("alice@example.com");
        assertThat(UserId.of(u.toString())).isEqualTo(u);
        assertThat(SessionId.of("a.b:c_d-e+f=g")).isNotNull();
        assertThat(UserId.of("x".repeat(128)).value()).hasSize(128);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "a|b", "ä", "a/b", "a\nb", "a\"b"})
    void invalidIdsAreRejectedWithAStableCode(String bad) {
        assertThatThrownBy(() -> UserId.of(bad)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ID));
    }

    @Test
    void nullAndOverlongIdsAreRejected() {
        assertThatThrownBy(() -> DeviceId.of(null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("deviceId");
        assertThatThrownBy(() -> NodeId.of("x".repeat(129))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("1..128");
    }

    @Test
    void generatedIdsAreUuidV7UniqueAndOrderedByTime() {
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        IdGenerator early = new IdGenerator(Clock.fixed(t0, ZoneOffset.UTC));
        IdGenerator late = new IdGenerator(Clock.fixed(t0.plusMillis(1), ZoneOffset.UTC));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            UUID a = early.uuidV7();
            assertThat(a.version()).isEqualTo(7);
            assertThat(a.variant()).isEqualTo(2);
            assertThat(a.getMostSignificantBits() >>> 16).isEqualTo(t0.toEpochMilli());
            assertThat(seen.add(a.toString())).isTrue();
            assertThat(early.connectionId().value().compareTo(late.sessionId().value())).isNegative();
        }
    }
}
