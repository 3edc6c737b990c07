package dev.vicinity.examples.server;

import dev.vicinity.chat.ChatService;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.micrometer.MicrometerListener;
import dev.vicinity.node.Vicinity;
import dev.vicinity.node.VicinityBackend;
import dev.vicinity.rating.RatingService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Vicinity node of the demo, independent of any web server: a {@link Vicinity} (which does all the
 * wiring of presence, geo, chat and rating behind one gateway) configured from {@link ServerConfig},
 * plus what the demo adds: metrics in a Prometheus registry, background health probes, the simulated
 * neighbours' frame module, and a maintenance scheduler of its own so that {@link #abandon()} can stop
 * it the way a crash would. The WebSocket server around it ({@link VicinityServer}) only moves frames.
 *
 * <p>Thread-safe. {@link #close()} stops the maintenance and detaches every connection (clients resume
 * elsewhere); {@link #abandon()} stops only the maintenance, leaving the shared stores exactly as a
 * crashed process would. The backend is the caller's ({@link VicinityServer} closes it).
 */
public final class VicinityNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VicinityNode.class);

    private final VicinityBackend backend;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Vicinity vicinity;
    private final Set<UserId> simulated = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private final HealthMonitor health;

    /** Wires every service on {@code backend}; {@code clock} drives all of them (tests pass a MutableClock). */
    public VicinityNode(ServerConfig config, VicinityBackend backend, Clock clock) {
        this.backend = Objects.requireNonNull(backend, "backend");
        Map<String, Runnable> probes = new LinkedHashMap<>();
        probes.put("store", backend::checkStore);
        probes.put("presence", () -> backend.presenceStore().leasesOf(UserId.of("health-probe")));
        this.health = new HealthMonitor(probes, config.guards().backendTimeout(), Duration.ofSeconds(1), clock);
        // Two maintenance threads: connections and presence (gateway) never wait behind a slow store
        // call of chat, rating or locations (a stalled PostgreSQL must not let leases lapse).
        this.ticker = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "vicinity-tick-" + config.node().value());
            t.setDaemon(true);
            return t;
        });
        Duration maxAge = config.timings().locationMaxAge();
        Vicinity.Builder b = Vicinity.builder(backend).node(config.node()).clock(clock)
                .authenticator(new DemoAuthenticator())
                .listener(new MicrometerListener(metrics))        // isolated by the node: a failing meter never breaks a request
                .scheduler(ticker).closeBackend(false)
                .presence(p -> p.leaseTtl(config.leaseTtl()).offlineGrace(config.offlineGrace()))
                // The public-cell dwell must stay below the max age (a short --location-max-age in tests).
                .locations(l -> l.maxAge(maxAge).minCellDwell(min(Duration.ofSeconds(30), maxAge.dividedBy(2))))
                .matcher(m -> m.rateLimit(60, Duration.ofMinutes(1)))
                .chat(c -> c.inviteTimeout(config.timings().inviteTimeout()))
                .ratings(r -> r.ratingWindow(config.timings().ratingWindow()))
                .gateway(g -> g.authTimeout(config.timings().authDeadline()).heartbeatInterval(config.timings().heartbeat())
                        .resumeWindow(config.timings().resumeWindow()))
                .module(v -> new DemoFrames(v.presence(), v.ratings(), backend.blockList(), simulated));
        if (config.cursorSecret() != null) {
            b.cursorSecret(config.cursorSecret().getBytes(StandardCharsets.UTF_8));
        }
        try {
            this.vicinity = b.build().start();
        } catch (RuntimeException e) {
            ticker.shutdownNow();
            health.close();
            throw e;
        }
    }

    /**
     * Every periodic duty once, on the calling thread: auth deadlines, heartbeats, resume windows and
     * presence sweeps (gateway), invite expiry and idle chats (chat), due double-blind reveals (rating)
     * and the stale-location sweep. Never throws.
     */
    public void tick() {
        vicinity.tick();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The gateway the WebSocket server hands its sockets to. */
    public Gateway gateway() {
        return vicinity.gateway();
    }

    /** Presence of this node (shared state across nodes). */
    public PresenceService presence() {
        return vicinity.presence();
    }

    /** The chat service. */
    public ChatService chat() {
        return vicinity.chat();
    }

    /** The rating service. */
    public RatingService ratings() {
        return vicinity.ratings();
    }

    /** User ids of this server's simulated neighbours (the simulator adds to it). */
    public Set<UserId> simulated() {
        return simulated;
    }

    /** Metrics in Prometheus text format. */
    public String scrapeMetrics() {
        return metrics.scrape();
    }

    /**
     * Health of the persistent store from the background probe: {@code null} when it answered in
     * time at the last probe, else what failed. Never blocks.
     */
    public String storeProblem() {
        HealthMonitor.Status s = health.status("store");
        return s.healthy() ? null : s.detail();
    }

    /**
     * Health of the presence store (Redis when scaled out) from the background probe: {@code null}
     * when it answered in time at the last probe, else what failed. Never blocks.
     */
    public String presenceProblem() {
        HealthMonitor.Status s = health.status("presence");
        return s.healthy() ? null : s.detail();
    }

    /** Health of the event bus. */
    public BusHealth busHealth() {
        return backend.busHealth();
    }

    /** Description of the backend. */
    public String backendName() {
        return backend.name();
    }

    /** Stops maintenance only, leaving shared state as a crashed node would (tests of node loss). */
    public void abandon() {
        stopTicker();
        health.close();
    }

    /**
     * Lets a running tick finish instead of interrupting it: an interrupt during file I/O makes H2
     * close its database file.
     */
    private void stopTicker() {
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("maintenance did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the maintenance, then closes the node (gateway first: connections detach), then the metrics. */
    @Override
    public void close() {
        stopTicker();
        health.close();
        vicinity.close();
        metrics.close();
    }
}
