package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.memory.InMemoryPresenceStore;
import dev.vicinity.core.memory.InMemoryResumeStore;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link GatewayLimits} and {@link Gateway.Builder}: defaults, and configuration mistakes refused by name. */
class GatewayBuilderChecksTest {

    private static Gateway.Builder gateway() {
        PresenceService presence = PresenceService.builder(new InMemoryPresenceStore(), NodeId.of("n")).build();
        return Gateway.builder(presence, new InMemoryResumeStore(), (token, device) -> Optional.empty());
    }

    @Test
    void limitsDefaultToTheDocumentedValues() {
        GatewayLimits d = GatewayLimits.defaults();
        assertThat(d.maxFrameBytes()).isEqualTo(16 * 1024);
        assertThat(d.frameRate()).isEqualTo(RateLimit.perSecond(20, 40));
        assertThat(d.framesPerSecond()).isEqualTo(20.0);
        assertThat(d.frameBurst()).isEqualTo(40);
        assertThat(d.maxConnectionsPerUser()).isEqualTo(5);
        assertThat(d.maxOutboundInFlight()).isEqualTo(256);
        assertThat(d.maxStrikes()).isEqualTo(20);
        assertThat(d.maxOutboundBytes()).isEqualTo(1024 * 1024);
        assertThat(d.maxNodeOutboundBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(GatewayLimits.builder().build()).isEqualTo(d).hasSameHashCodeAs(d);
    }

    @Test
    void limitsBuilderSetsEachValueAndTheWithConveniencesAgree() {
        GatewayLimits built = GatewayLimits.builder().maxFrameBytes(4096).frameRate(RateLimit.perSecond(5, 10))
                .maxConnectionsPerUser(2).maxOutboundInFlight(8).maxStrikes(3).maxOutboundBytes(128 * 1024)
                .maxNodeOutboundBytes(512 * 1024).build();
        assertThat(built.maxFrameBytes()).isEqualTo(4096);
        assertThat(built.frameRate()).isEqualTo(RateLimit.perSecond(5, 10));
        assertThat(built.maxConnectionsPerUser()).isEqualTo(2);
        assertThat(built.maxOutboundInFlight()).isEqualTo(8);
        assertThat(built.maxStrikes()).isEqualTo(3);
        assertThat(built.maxOutboundBytes()).isEqualTo(128 * 1024);
        assertThat(built.maxNodeOutboundBytes()).isEqualTo(512 * 1024);
        assertThat(GatewayLimits.defaults().withMaxFrameBytes(4096).withFrameRate(5, 10).withMaxConnectionsPerUser(2)
                .withMaxOutboundInFlight(8).withMaxStrikes(3).withMaxOutboundBytes(128 * 1024, 512 * 1024))
                .isEqualTo(built);
        assertThat(built.toBuilder().build()).isEqualTo(built);
        assertThat(built.toString()).contains("maxFrameBytes=4096", "maxStrikes=3");
    }

    @Test
    void limitsOutOfRangeAreRefusedNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> GatewayLimits.builder().maxFrameBytes(255))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFrameBytes").hasMessageContaining("255");
        assertThatThrownBy(() -> GatewayLimits.builder().maxConnectionsPerUser(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnectionsPerUser");
        assertThatThrownBy(() -> GatewayLimits.builder().maxOutboundInFlight(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOutboundInFlight");
        assertThatThrownBy(() -> GatewayLimits.builder().maxStrikes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxStrikes");
        assertThatThrownBy(() -> GatewayLimits.builder().maxOutboundBytes(1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOutboundBytes");
        assertThatThrownBy(() -> GatewayLimits.builder().maxOutboundBytes(2 * 1024 * 1024).maxNodeOutboundBytes(1024 * 1024)
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxNodeOutboundBytes");
        assertThatThrownBy(() -> GatewayLimits.builder().frameRate(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("frameRate");
        assertThatThrownBy(() -> GatewayLimits.defaults().withFrameRate(0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perSecond");
    }

    @Test
    void gatewayBuilderRefusesBadSettingsWithIllegalArgumentNamingThem() {
        assertThatThrownBy(() -> gateway().connectRate(0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perMinute");
        assertThatThrownBy(() -> gateway().connectRate(30, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burst");
        assertThatThrownBy(() -> gateway().maxConnectionsPerAddress(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnectionsPerAddress");
        assertThatThrownBy(() -> gateway().authTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authTimeout");
        assertThatThrownBy(() -> gateway().resumeWindow(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resumeWindow");
        assertThatThrownBy(() -> gateway().heartbeatInterval(Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeatInterval");
        assertThatThrownBy(() -> gateway().heartbeatInterval(Duration.ofSeconds(11)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a third of the presence lease TTL");
        assertThatThrownBy(() -> gateway().limits(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("limits");
        assertThat(gateway().connectRate(RateLimit.perMinute(60, 5)).heartbeatInterval(Duration.ofSeconds(10)).build())
                .isNotNull();
    }
}
