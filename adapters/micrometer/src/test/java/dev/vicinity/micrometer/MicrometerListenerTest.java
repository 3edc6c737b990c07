package dev.vicinity.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionState;
import dev.vicinity.core.ConnectionStateChange;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.spi.BusHealth;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MicrometerListenerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerListener metrics = new MicrometerListener(registry);
    private final ConnectionId c = ConnectionId.of("c1");
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private double connections(String state) {
        return registry.get("vicinity.connections").tag("state", state).gauge().value();
    }

    @Test
    void stateTagsDoNotDependOnTheDefaultLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR")); // lower-cases I to a dotless i
        try {
            SimpleMeterRegistry turkish = new SimpleMeterRegistry();
            new MicrometerListener(turkish);
            assertThat(turkish.get("vicinity.connections").tag("state", "connecting").gauge()).isNotNull();
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void connectionGaugesFollowTransitionsAndResumesAreCounted() {
        metrics.onConnectionStateChanged(new ConnectionStateChange(c, null, null, ConnectionState.CONNECTING, null, now));
        metrics.onConnectionStateChanged(new ConnectionStateChange(c, UserId.of("u"), ConnectionState.CONNECTING,
                ConnectionState.OPEN, null, now));
        assertThat(connections("connecting")).isZero();
        assertThat(connections("open")).isEqualTo(1);
        metrics.onConnectionStateChanged(new ConnectionStateChange(c, UserId.of("u"), ConnectionState.OPEN,
                ConnectionState.DETACHED, CloseCode.TRANSPORT_LOST, now));
        metrics.onConnectionStateChanged(new ConnectionStateChange(c, UserId.of("u"), ConnectionState.DETACHED,
                ConnectionState.OPEN, null, now));
        metrics.onConnectionStateChanged(new ConnectionStateChange(c, UserId.of("u"), ConnectionState.OPEN,
                ConnectionState.CLOSED, CloseCode.NORMAL, now));
        assertThat(connections("open")).isZero();
        assertThat(connections("detached")).isZero();
        assertThat(registry.get("vicinity.connection.resumes").counter().count()).isEqualTo(1);
        assertThat(registry.get("vicinity.connection.transitions").tag("code", "transport_lost").counter().count())
                .isEqualTo(1);
    }

    @Test
    void domainEventsBecomeTaggedCountersAndTimersWithoutIds() {
        metrics.onNearbyQuery(UserId.of("user-xyz-42"), 5, 120_000);
        metrics.onNearbyBatchCalls(UserId.of("user-xyz-42"), 4);
        metrics.onNearbyBatchCalls(UserId.of("user-xyz-42"), 6);
        metrics.onNearbyBackendCalls(UserId.of("user-xyz-42"), 9);
        metrics.onNearbyRejected(UserId.of("user-xyz-42"), "location_required");
        metrics.onMessageStored(SessionId.of("sess-abc-17"), 1);
        metrics.onMessageDelivered(SessionId.of("sess-abc-17"), 1, 2, 50_000);
        metrics.onRatingRejected(SessionId.of("sess-abc-17"), UserId.of("user-xyz-42"), "already_rated");
        metrics.onBusHealthChanged(new BusHealth(false, "down", now));
        assertThat(registry.get("vicinity.geo.nearby").timer().count()).isEqualTo(1);
        assertThat(registry.get("vicinity.geo.nearby.batch.calls").summary().count()).isEqualTo(2);
        assertThat(registry.get("vicinity.geo.nearby.batch.calls").summary().totalAmount()).isEqualTo(10);
        assertThat(registry.get("vicinity.geo.nearby.batch.calls").summary().max()).isEqualTo(6);
        assertThat(registry.get("vicinity.geo.nearby.backend.calls").summary().count()).isEqualTo(1);
        assertThat(registry.get("vicinity.geo.nearby.backend.calls").summary().totalAmount()).isEqualTo(9);
        assertThat(registry.get("vicinity.geo.nearby.rejected").tag("code", "location_required").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("vicinity.chat.messages.stored").counter().count()).isEqualTo(1);
        assertThat(registry.get("vicinity.chat.messages.delivered").timer().count()).isEqualTo(1);
        assertThat(registry.get("vicinity.rating.rejected").tag("code", "already_rated").counter().count()).isEqualTo(1);
        assertThat(registry.get("vicinity.bus.healthy").gauge().value()).isZero();
        registry.getMeters().forEach(m -> m.getId().getTags().forEach(t ->
                assertThat(t.getValue()).doesNotContain("user-xyz-42").doesNotContain("sess-abc-17")));
    }

    @Test
    void ghostGaugeIsLeasesMinusLiveConnections() {
        metrics.bindGhostGauge(() -> 7, () -> 5);
        assertThat(registry.get("vicinity.presence.ghosts").gauge().value()).isEqualTo(2);
    }

    @Test
    void everyListenerEventIsTurnedIntoAMeter() throws Exception {
        for (Method m : VicinityListener.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            assertThat(MicrometerListener.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass())
                    .as(m.getName()).isEqualTo(MicrometerListener.class);
        }
    }
}
