package dev.vicinity.examples.server;

import dev.vicinity.core.MutableClock;

import dev.vicinity.chat.ChatService;
import dev.vicinity.gateway.chat.ChatFrames;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.core.spi.Subscription;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.gateway.geo.GeoFrames;
import dev.vicinity.micrometer.MicrometerListener;
import dev.vicinity.rating.RatableSession;
import dev.vicinity.rating.RatingService;
import dev.vicinity.gateway.rating.RatingFrames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Vicinity node, independent of any web server: presence, geo (collection + matching), chat and
 * rating wired over a {@link Backend}, behind one {@link Gateway}, with metrics in a Prometheus
 * registry and a once-a-second maintenance ticker. This is the part an embedding team copies; the
 * WebSocket server around it ({@link VicinityServer}) only moves frames.
 *
 * <p>Thread-safe. {@link #close()} stops the ticker and detaches every connection (clients resume
 * elsewhere); {@link #abandon()} stops only the ticker, leaving the shared stores exactly as a crashed
 * process would.
 */
public final class VicinityNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VicinityNode.class);

    private final Backend backend;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PresenceService presence;
    private final LocationService locations;
    private final ChatFrames chat;
    private final RatingService ratings;
    private final Gateway gateway;
    private final Subscription chatOnPresence;
    private final Set<UserId> simulated = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private final HealthMonitor health;
    private long ticks;

    /** Wires every service on {@code backend}; {@code clock} drives all of them (tests pass a MutableClock). */
    public VicinityNode(ServerConfig config, Backend backend, Clock clock) {
        this.backend = Objects.requireNonNull(backend, "backend");
        Map<String, Runnable> probes = new LinkedHashMap<>();
        probes.put("store", backend.storeProbe());
        probes.put("presence", () -> backend.presence().leasesOf(UserId.of("health-probe")));
        this.health = new HealthMonitor(probes, config.guards().backendTimeout(), Duration.ofSeconds(1), clock);
        // One listener for every module; isolating() keeps a failing metric from breaking a request.
        VicinityListener listener = VicinityListener.isolating(new MicrometerListener(metrics));

        presence = PresenceService.builder(backend.presence(), config.node()).clock(clock).listener(listener)
                .eventBus(backend.bus()).leaseTtl(config.leaseTtl()).offlineGrace(config.offlineGrace()).build();
        locations = LocationService.builder(backend.locations(), backend.index()).clock(clock).listener(listener)
                .maxAge(config.timings().locationMaxAge())
                // The public-cell dwell must stay below the max age (a short --location-max-age in tests).
                .minCellDwell(min(Duration.ofSeconds(30), config.timings().locationMaxAge().dividedBy(2))).rateLimitStore(backend.rateLimits()).build();
        // Rating's view of a chat: ENDED is ratable, INVITED/ACTIVE is ongoing (session_not_ended),
        // a session that never started is unknown (session_not_found).
        ratings = RatingService.builder(backend.ratings(), id -> backend.sessions().find(id).flatMap(s -> switch (s.state()) {
                    case ENDED -> Optional.of(RatableSession.ended(s.id(), new HashSet<>(s.participantIds()), s.endedAt()));
                    case INVITED, ACTIVE -> Optional.of(RatableSession.ongoing(s.id(), new HashSet<>(s.participantIds())));
                    default -> Optional.<RatableSession>empty();
                }))
                .blockCheck((blocker, blocked) -> backend.blocks().blocking(blocker).contains(blocked))
                .clock(clock).listener(listener).ratingWindow(config.timings().ratingWindow()).build();
        NearbyMatcher.Builder matcherBuilder = NearbyMatcher.builder(locations, backend.blocks(),
                        dev.vicinity.geo.OnlineCheck.batch(presence::onlineAmong))
                .clock(clock).listener(listener)
                .scoreProvider(dev.vicinity.geo.ScoreProvider.batch(users -> ratings.scores().scoresOf(users, Double.NaN)))
                .rateLimit(60, Duration.ofMinutes(1)).rateLimitStore(backend.rateLimits())
                .distributed(backend.distributed());
        if (config.cursorSecret() != null) {
            matcherBuilder.cursorSecret(config.cursorSecret().getBytes(StandardCharsets.UTF_8));
        }
        NearbyMatcher matcher = matcherBuilder.build();
        chat = new ChatFrames(recipients -> ChatService.builder(backend.sessions(), backend.messages(), backend.bus(),
                recipients).clock(clock).listener(listener).inviteTimeout(config.timings().inviteTimeout())
                .rateLimitStore(backend.rateLimits())
                .blockRecorder(backend.blocks()::block)
                .blockCheck((blocker, blocked) -> backend.blocks().blocking(blocker).contains(blocked)).build());
        gateway = Gateway.builder(presence, backend.resumes(), new DemoAuthenticator())
                .clock(clock).listener(listener)
                .authTimeout(config.timings().authDeadline())
                .rateLimitStore(backend.rateLimits())
                .heartbeatInterval(config.timings().heartbeat())
                .resumeWindow(config.timings().resumeWindow())
                .module(new GeoFrames(locations, matcher, backend.blocks())
                        .onBlock((blocker, blocked) -> chat.service().onBlocked(blocker, blocked)))
                .module(chat)
                .module(new RatingFrames(ratings, backend.bus()))
                .module(new DemoFrames(presence, ratings, backend.blocks(), simulated))
                .build();
        // A user who went offline (after the grace period, on any node) ends their active chats.
        chatOnPresence = presence.subscribe(chat.service()::onPresenceChange);

        // Two maintenance threads: connections and presence (gateway) never wait behind a slow store
        // call of chat, rating or locations (a stalled PostgreSQL must not let leases lapse).
        ticker = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "vicinity-tick-" + config.node().value());
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tickConnections, 1, 1, TimeUnit.SECONDS);
        ticker.scheduleWithFixedDelay(this::tickServices, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Periodic maintenance, once per second: auth deadlines, heartbeats, resume windows and presence
     * sweeps (gateway), invite expiry and idle chats (chat), due double-blind reveals (rating), and
     * every 30 s the stale-location sweeper. Never throws.
     */
    public void tick() {
        tickConnections();
        tickServices();
    }

    /** Auth deadlines, heartbeats, resume windows, lease renewals and presence sweeps. */
    private void tickConnections() {
        run("gateway", gateway::tick);
    }

    /** Invite expiry and idle chats, due reveals, and every 30 s the stale-location sweep. */
    private synchronized void tickServices() {
        run("chat", () -> chat.service().tick());
        run("rating", ratings::revealDue);
        if (ticks++ % 30 == 0) {
            run("locations", locations::sweep);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void run(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("{} maintenance failed: {}", what, e.toString());
        }
    }

    /** The gateway the WebSocket server hands its sockets to. */
    public Gateway gateway() {
        return gateway;
    }

    /** Presence of this node (shared state across nodes). */
    public PresenceService presence() {
        return presence;
    }

    /** The chat service. */
    public ChatService chat() {
        return chat.service();
    }

    /** The rating service. */
    public RatingService ratings() {
        return ratings;
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

    @Override
    public void close() {
        stopTicker();
        health.close();
        try {
            gateway.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the gateway failed", e);
        }
        chatOnPresence.close();
        chat.service().close();
        presence.close();
        metrics.close();
    }
}
