package dev.vicinity.micrometer;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionState;
import dev.vicinity.core.ConnectionStateChange;
import dev.vicinity.core.Lease;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.BusHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link VicinityListener} that turns Vicinity's events into Micrometer meters. Pass it to every
 * service's builder ({@code .listener(metrics)}). Meter names start with {@code vicinity.}; tags
 * carry only bounded values (states, codes, reasons), never ids, so cardinality stays fixed.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><td>{@code vicinity.connections} gauge {state}</td><td>connections of this node per state</td></tr>
 *   <tr><td>{@code vicinity.connection.transitions} counter {from, to, code}</td><td>every state change</td></tr>
 *   <tr><td>{@code vicinity.connection.resumes} counter</td><td>DETACHED → OPEN</td></tr>
 *   <tr><td>{@code vicinity.presence.changes} counter {online}</td><td>users going online/offline (decided here)</td></tr>
 *   <tr><td>{@code vicinity.presence.leases.swept} counter {kind=expired|purged}</td><td>sweeps</td></tr>
 *   <tr><td>{@code vicinity.presence.leases.replaced} counter</td><td>fencing by a newer connection</td></tr>
 *   <tr><td>{@code vicinity.bus.healthy} gauge</td><td>1 healthy, 0 not</td></tr>
 *   <tr><td>{@code vicinity.geo.locations} counter {outcome, source|code}</td><td>ingest</td></tr>
 *   <tr><td>{@code vicinity.geo.nearby} timer / {@code vicinity.geo.nearby.rejected} counter {code}</td><td>matching latency</td></tr>
 *   <tr><td>{@code vicinity.geo.nearby.batch.calls} distribution summary</td><td>batch callbacks (online
 *       check, score provider: backend round trips) per nearby query</td></tr>
 *   <tr><td>{@code vicinity.chat.sessions} counter {to, reason}</td><td>session transitions</td></tr>
 *   <tr><td>{@code vicinity.chat.messages.stored}, {@code .rejected} {code}, {@code .delivered} timer, {@code .replayed} {recovered}</td><td>messages</td></tr>
 *   <tr><td>{@code vicinity.rating.*} counters</td><td>submitted, rejected {code}, edited, revealed, withdrawn, drift</td></tr>
 * </table>
 *
 * <p>Thread-safe and allocation-light on hot paths (meters are cached by Micrometer). Use
 * {@link #bindGhostGauge} to publish {@code vicinity.presence.ghosts} = leases − live connections.
 */
public final class MicrometerListener implements VicinityListener {
    private final MeterRegistry registry;
    private final Map<ConnectionState, AtomicLong> byState = new EnumMap<>(ConnectionState.class);
    private final AtomicLong busHealthy = new AtomicLong(1);
    private final Counter resumes;
    private final Counter replaced;
    private final Timer nearby;
    private final DistributionSummary nearbyCalls;
    private final DistributionSummary nearbyBackendCalls;
    private final Timer delivered;
    private final Counter stored;

    /** Registers the gauges on {@code registry}; counters and timers are created on first use. */
    public MicrometerListener(MeterRegistry registry) {
        this.registry = Checks.notNull("registry", registry);
        for (ConnectionState s : ConnectionState.values()) {
            if (s == ConnectionState.CLOSED) {
                continue; // closed connections are forgotten; a gauge would only grow
            }
            AtomicLong n = new AtomicLong();
            byState.put(s, n);
            // Locale.ROOT: under a Turkish default locale "CONNECTING" would otherwise become "connectıng"
            Gauge.builder("vicinity.connections", n, AtomicLong::get).tag("state", s.name().toLowerCase(Locale.ROOT))
                    .description("connections of this node by state").register(registry);
        }
        Gauge.builder("vicinity.bus.healthy", busHealthy, AtomicLong::get)
                .description("1 while the event bus is healthy").register(registry);
        this.resumes = Counter.builder("vicinity.connection.resumes").register(registry);
        this.replaced = Counter.builder("vicinity.presence.leases.replaced").register(registry);
        this.nearby = Timer.builder("vicinity.geo.nearby").publishPercentiles(0.5, 0.99).register(registry);
        this.nearbyCalls = DistributionSummary.builder("vicinity.geo.nearby.batch.calls")
                .description("batch callbacks (online check, score provider) per nearby query")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.nearbyBackendCalls = DistributionSummary.builder("vicinity.geo.nearby.backend.calls")
                .description("calls to backends and host callbacks per nearby query (rate limit, location, blocks,"
                        + " index reads, batch callbacks)")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.delivered = Timer.builder("vicinity.chat.messages.delivered").register(registry);
        this.stored = Counter.builder("vicinity.chat.messages.stored").register(registry);
    }

    /**
     * Publishes {@code vicinity.presence.ghosts}: stored leases minus live connections, which should
     * hover at zero; a growing value means cleanup is broken.
     */
    public void bindGhostGauge(Supplier<Number> leases, Supplier<Number> liveConnections) {
        Gauge.builder("vicinity.presence.ghosts", () -> leases.get().doubleValue() - liveConnections.get().doubleValue())
                .description("presence leases without a live connection").register(registry);
    }

    @Override
    public void onConnectionStateChanged(ConnectionStateChange c) {
        if (c.previous() != null && byState.containsKey(c.previous())) {
            byState.get(c.previous()).decrementAndGet();
        }
        if (byState.containsKey(c.current())) {
            byState.get(c.current()).incrementAndGet();
        }
        if (c.previous() == ConnectionState.DETACHED && c.current() == ConnectionState.OPEN) {
            resumes.increment();
        }
        registry.counter("vicinity.connection.transitions", "from", c.previous() == null ? "none" : c.previous().name(),
                "to", c.current().name(), "code", c.code() == null ? "none" : c.code().wireName()).increment();
    }

    @Override
    public void onConnectionTransitionRejected(ConnectionId connection, ConnectionState state, String event) {
        registry.counter("vicinity.connection.rejected", "state", state.name(), "event", event).increment();
    }

    @Override
    public void onPresenceChanged(PresenceChange change) {
        registry.counter("vicinity.presence.changes", "online", Boolean.toString(change.online())).increment();
    }

    @Override
    public void onLeaseReplaced(Lease old, Lease replacement) {
        replaced.increment();
    }

    @Override
    public void onLeasesSwept(int expired, int purged) {
        registry.counter("vicinity.presence.leases.swept", "kind", "expired").increment(expired);
        registry.counter("vicinity.presence.leases.swept", "kind", "purged").increment(purged);
    }

    @Override
    public void onBusHealthChanged(BusHealth health) {
        busHealthy.set(health.healthy() ? 1 : 0);
    }

    @Override
    public void onLocationAccepted(UserId user, String source) {
        registry.counter("vicinity.geo.locations", "outcome", "accepted", "source", source).increment();
    }

    @Override
    public void onLocationRejected(UserId user, String code) {
        registry.counter("vicinity.geo.locations", "outcome", "rejected", "code", code).increment();
    }

    @Override
    public void onLocationsPurged(int count) {
        registry.counter("vicinity.geo.locations.purged").increment(count);
    }

    @Override
    public void onNearbyQuery(UserId querier, int results, long latencyNanos) {
        nearby.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onNearbyBatchCalls(UserId querier, int batchCalls) {
        nearbyCalls.record(batchCalls);
    }

    @Override
    public void onNearbyBackendCalls(UserId querier, int backendCalls) {
        nearbyBackendCalls.record(backendCalls);
    }

    @Override
    public void onNearbyRejected(UserId querier, String code) {
        registry.counter("vicinity.geo.nearby.rejected", "code", code).increment();
    }

    @Override
    public void onChatSessionChanged(SessionId session, @Nullable String previous, String current,
            @Nullable String reason) {
        registry.counter("vicinity.chat.sessions", "to", current, "reason", reason == null ? "none" : reason).increment();
    }

    @Override
    public void onMessageStored(SessionId session, long sequence) {
        stored.increment();
    }

    @Override
    public void onMessageRejected(SessionId session, UserId sender, String code) {
        registry.counter("vicinity.chat.messages.rejected", "code", code).increment();
    }

    @Override
    public void onMessageDelivered(SessionId session, long sequence, int recipients, long latencyNanos) {
        delivered.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onMessagesReplayed(SessionId session, int count, boolean recovered) {
        registry.counter("vicinity.chat.messages.replayed", "recovered", Boolean.toString(recovered)).increment(count);
    }

    @Override
    public void onRatingSubmitted(SessionId session, UserId rater, UserId ratee) {
        registry.counter("vicinity.rating.submitted").increment();
    }

    @Override
    public void onRatingRejected(SessionId session, UserId rater, String code) {
        registry.counter("vicinity.rating.rejected", "code", code).increment();
    }

    @Override
    public void onRatingEdited(SessionId session, UserId rater, UserId ratee) {
        registry.counter("vicinity.rating.edited").increment();
    }

    @Override
    public void onRatingsRevealed(SessionId session, int count) {
        registry.counter("vicinity.rating.revealed").increment(count);
    }

    @Override
    public void onRatingWithdrawn(SessionId session, UserId rater, UserId ratee) {
        registry.counter("vicinity.rating.withdrawn").increment();
    }

    @Override
    public void onAggregateDrift(UserId user, long countDrift, long sumDrift) {
        registry.counter("vicinity.rating.drift").increment((double) Math.abs(countDrift));
    }
}
