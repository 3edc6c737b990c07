package dev.vicinity.node;

import dev.vicinity.chat.ChatService;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.Subscription;
import dev.vicinity.gateway.Authenticator;
import dev.vicinity.gateway.ContextAuthenticator;
import dev.vicinity.gateway.FrameModule;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.GatewayLimits;
import dev.vicinity.gateway.Transport;
import dev.vicinity.gateway.UpgradeRequest;
import dev.vicinity.gateway.chat.ChatFrames;
import dev.vicinity.gateway.geo.GeoFrames;
import dev.vicinity.gateway.rating.RatingFrames;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.OnlineCheck;
import dev.vicinity.geo.ScoreProvider;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.node.internal.ChatRatableSessions;
import dev.vicinity.node.internal.Maintenance;
import dev.vicinity.rating.RatingService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Vicinity node: presence, location collection and matching, chat and rating, wired once over a
 * {@link VicinityBackend}, behind one {@link Gateway}. The host's WebSocket server only forwards sockets
 * and frames ({@link #open}, {@link #onText}, {@link #onClosed}, {@link #onTransportError}).
 *
 * <pre>
 * Vicinity vicinity = Vicinity.builder(Backends.inMemory())
 *         .node(NodeId.of("node-1"))
 *         .authenticator((token, device) -&gt; yourAuth.verify(token, device))
 *         .build();
 * vicinity.start();
 * </pre>
 *
 * <p>What it wires (see docs/assembly.md): a user going offline (after the grace period, seen on any
 * node) ends their chats ({@code peer_gone}); rating sees chats as ratable sessions ({@code ENDED} is
 * ratable, {@code INVITED}/{@code ACTIVE} answer {@code session_not_ended}, anything else
 * {@code session_not_found}); one block list is shared by the matcher (both directions hidden), chat
 * (a {@code chat.block} records the block, an invite to or from a blocker is refused), the
 * {@code geo.block} frame (which also ends the pair's chats) and rating (a rating of a blocker is
 * dropped); the matcher ranks by rating (unrated last); the backend's rate-limit store counts connects,
 * invites, nearby queries and location updates (cluster-wide on a distributed backend); rating reveals
 * are pushed to every node over the bus.
 *
 * <p>Lifecycle: {@link Builder#build()} wires everything (no thread yet); {@link #start()} runs the
 * periodic duties once per second; {@link #close()} stops them, closes the gateway (connections detach
 * and may resume on another node), then the services, then the backend (unless
 * {@link Builder#closeBackend(boolean) told otherwise}). All methods are thread-safe.
 */
public final class Vicinity implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Vicinity.class);

    private final VicinityBackend backend;
    private final boolean closeBackend;
    private final NodeId node;
    private final PresenceService presence;
    private final LocationService locations;
    private final NearbyMatcher matcher;
    private final RatingService ratings;
    private final ChatFrames chatFrames;
    private final Gateway gateway;
    private final ChatService chat;
    private final Subscription chatOnPresence;
    private final Maintenance maintenance = new Maintenance();
    private final @Nullable ScheduledExecutorService hostScheduler;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile @Nullable ScheduledExecutorService ownScheduler;

    private Vicinity(Builder b, Clock clock, VicinityListener listener) {
        this.backend = b.backend;
        this.closeBackend = b.closeBackend;
        this.node = Objects.requireNonNull(b.node, "checked by build()");
        this.hostScheduler = b.scheduler;
        BlockList blocks = backend.blockList();

        PresenceService.Builder pb = PresenceService.builder(backend.presenceStore(), node).clock(clock)
                .listener(listener);
        b.presence.accept(pb);
        this.presence = pb.eventBus(backend.eventBus()).build();
        List<AutoCloseable> built = new ArrayList<>();
        built.add(presence);
        try {
            LocationService.Builder lb = LocationService.builder(backend.locationStore(), backend.proximityIndex())
                    .clock(clock).listener(listener);
            b.locations.accept(lb);
            this.locations = lb.rateLimitStore(backend.rateLimitStore()).build();

            RatingService.Builder rb = RatingService.builder(backend.ratingStore(),
                    new ChatRatableSessions(backend.chatSessionStore())).clock(clock).listener(listener);
            b.ratings.accept(rb);
            this.ratings = rb.blockCheck((blocker, blocked) -> blocks.blocking(blocker).contains(blocked)).build();

            NearbyMatcher.Builder mb = NearbyMatcher.builder(locations, blocks, OnlineCheck.batch(presence::onlineAmong))
                    .clock(clock).listener(listener)
                    .scoreProvider(ScoreProvider.batch(users -> ratings.scores().scoresOf(users, Double.NaN)));
            b.matcher.accept(mb);
            mb.rateLimitStore(backend.rateLimitStore()).distributed(backend.distributed());
            if (b.cursorSecret != null) {
                mb.cursorSecret(b.cursorSecret);
            }
            this.matcher = mb.build();

            this.chatFrames = new ChatFrames(recipients -> {
                ChatService.Builder cb = ChatService.builder(backend.chatSessionStore(), backend.messageStore(),
                        backend.eventBus(), recipients).clock(clock).listener(listener);
                b.chat.accept(cb);
                return cb.rateLimitStore(backend.rateLimitStore()).blockRecorder(blocks::block)
                        .blockCheck((blocker, blocked) -> blocks.blocking(blocker).contains(blocked)).build();
            });
            RatingFrames ratingFrames = new RatingFrames(ratings, backend.eventBus());

            Gateway.Builder gb = Gateway.builder(presence, backend.resumeStore(),
                Objects.requireNonNull(b.authenticator, "checked by build()")).clock(clock)
                    .listener(listener);
            if (b.gatewayLimits != null) {
                gb.limits(b.gatewayLimits);
            }
            b.gateway.accept(gb);
            gb.rateLimitStore(backend.rateLimitStore())
                    .module(new GeoFrames(locations, matcher, blocks)
                            .onBlock((blocker, blocked) -> chatFrames.service().onBlocked(blocker, blocked)))
                    .module(chatFrames)
                    .module(ratingFrames);
            for (Function<Vicinity, ? extends FrameModule> m : b.modules) {
                gb.module(m.apply(this));
            }
            this.gateway = gb.build();
            built.add(gateway);
            this.chat = chatFrames.service();
            built.add(chat);
            this.chatOnPresence = presence.subscribe(chat::onPresenceChange);
        } catch (RuntimeException e) {
            for (int i = built.size() - 1; i >= 0; i--) {
                closeQuietly("partly built " + built.get(i).getClass().getSimpleName(), built.get(i));
            }
            throw e;
        }
        maintenance.group(Duration.ofSeconds(1), new Maintenance.Duty("gateway", gateway::tick));
        maintenance.group(Duration.ofSeconds(1), new Maintenance.Duty("chat", chat::tick),
                new Maintenance.Duty("rating reveals", ratings::revealDue));
        maintenance.group(b.sweepInterval, new Maintenance.Duty("location sweep", locations::sweep));
    }

    /** Starts a builder over {@code backend} (the node closes it on {@link #close()} unless told otherwise). */
    public static Builder builder(VicinityBackend backend) {
        return new Builder(Checks.notNull("backend", backend));
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Runs the periodic duties on the scheduler ({@link Builder#scheduler}) or on two daemon threads of
     * its own: every second the gateway (auth deadlines, heartbeats, resume windows, presence leases and
     * sweeps) on one task, chat (invite expiry, idle chats) and due rating reveals on another, and the
     * stale-location sweep every {@link Builder#locationSweepInterval}. Each duty is isolated: one that
     * throws is logged and never stops the others. Returns this node.
     *
     * @throws IllegalStateException if already started or closed
     */
    public Vicinity start() {
        if (closed.get()) {
            throw new IllegalStateException("this Vicinity node is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("this Vicinity node is already started");
        }
        ScheduledExecutorService executor = hostScheduler;
        if (executor == null) {
            executor = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "vicinity-" + node.value() + "-maintenance");
                t.setDaemon(true);
                return t;
            });
            ownScheduler = executor;
        }
        maintenance.schedule(executor);
        LOG.info("Vicinity node {} started on {}", node.value(), backend.name());
        return this;
    }

    /**
     * Runs every periodic duty once on the calling thread (what {@link #start()} does each second):
     * for tests on a {@code MutableClock}, or for hosts with a scheduler of their own. Never throws.
     */
    public void tick() {
        maintenance.runAll();
    }

    /**
     * Stops the duties (a run in progress finishes), closes the gateway (every connection detaches and
     * may resume on another node), (and with it every frame module), then chat and presence, then the backend
     * unless {@link Builder#closeBackend(boolean) closeBackend(false)}. Idempotent; never throws
     * (failures are logged).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        maintenance.cancel();
        ScheduledExecutorService own = ownScheduler;
        if (own != null) {
            own.shutdown();
            try {
                // Not interrupted: an interrupt during file I/O makes H2 close its database file.
                if (!own.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("maintenance of node {} did not stop within 10 s", node.value());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly("the gateway", gateway);
        closeQuietly("chat's presence subscription", chatOnPresence);
        closeQuietly("chat", chat);
        closeQuietly("presence", presence);
        if (closeBackend) {
            closeQuietly("the backend", backend);
        }
        LOG.info("Vicinity node {} closed", node.value());
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", what, e);
        }
    }

    // ------------------------------------------------------------------ transport callbacks

    /**
     * A new WebSocket was accepted, with no upgrade data; the client must send {@code hello} or
     * {@code resume} before the auth deadline. See {@link Gateway#open(Transport)}.
     */
    public GatewayConnection open(Transport transport) {
        return gateway.open(transport);
    }

    /**
     * A new WebSocket was accepted after the HTTP upgrade {@code upgrade} (headers, cookies, remote
     * address, the host's principal), which a {@link ContextAuthenticator} receives with the
     * {@code hello}. See {@link Gateway#open(Transport, UpgradeRequest)}.
     */
    public GatewayConnection open(Transport transport, UpgradeRequest upgrade) {
        return gateway.open(transport, upgrade);
    }

    /** One inbound text frame; frames of one connection one at a time. Never throws. See {@link Gateway#onText}. */
    public void onText(GatewayConnection connection, String text) {
        gateway.onText(connection, text);
    }

    /** An inbound binary frame (answered with an error). Never throws. */
    public void onBinary(GatewayConnection connection) {
        gateway.onBinary(connection);
    }

    /**
     * The WebSocket closed: status 1000 is final, anything else detaches the connection (resumable).
     * Never throws. See {@link Gateway#onClosed}.
     */
    public void onClosed(GatewayConnection connection, int status, String reason) {
        gateway.onClosed(connection, status, reason);
    }

    /** The transport failed; detaches the connection (resumable). Never throws. */
    public void onTransportError(GatewayConnection connection, Throwable error) {
        gateway.onTransportError(connection, error);
    }

    /** A WebSocket-level pong or other liveness signal: renews the connection's presence lease. Never throws. */
    public void onHeartbeat(GatewayConnection connection) {
        gateway.onHeartbeat(connection);
    }

    // ------------------------------------------------------------------ accessors

    /** This node's id. */
    public NodeId node() {
        return node;
    }

    /** The backend this node runs on. */
    public VicinityBackend backend() {
        return backend;
    }

    /** The protocol engine (connections, limits); the transport callbacks above delegate to it. */
    public Gateway gateway() {
        return gateway;
    }

    /** Presence of users (shared across nodes on a distributed backend). */
    public PresenceService presence() {
        return presence;
    }

    /** Location collection (ingest, staleness, sweeps). */
    public LocationService locations() {
        return locations;
    }

    /** Who is nearby (the {@code geo.nearby} frame uses the same matcher). */
    public NearbyMatcher matcher() {
        return matcher;
    }

    /**
     * Chat sessions and messages. Available once {@link Builder#build()} has returned (a module factory
     * may keep the node and call it later, from its frame handlers).
     */
    public ChatService chat() {
        if (chat == null) {
            throw new IllegalStateException("chat() is available once build() has returned");
        }
        return chat;
    }

    /** Ratings, reveals and scores. */
    public RatingService ratings() {
        return ratings;
    }

    /**
     * Options of a {@link Vicinity} node; validated in {@link #build()}. Per-module options go through
     * customizers that receive the module's own builder after the node set clock and listener and
     * before it sets the cross-module wiring (which a customizer therefore cannot undo): stores, the
     * event bus, the block list, the rate-limit store, the ratable-session view, distributed mode and
     * the cursor secret. Not thread-safe; build once.
     */
    public static final class Builder {
        private final VicinityBackend backend;
        private @Nullable NodeId node;
        private @Nullable ContextAuthenticator authenticator;
        private Clock clock = Clock.systemUTC();
        private VicinityListener listener = VicinityListener.NO_OP;
        private byte @Nullable [] cursorSecret;
        private @Nullable GatewayLimits gatewayLimits;
        private @Nullable ScheduledExecutorService scheduler;
        private boolean closeBackend = true;
        private Duration sweepInterval = Duration.ofSeconds(30);
        private Consumer<PresenceService.Builder> presence = b -> { };
        private Consumer<LocationService.Builder> locations = b -> { };
        private Consumer<NearbyMatcher.Builder> matcher = b -> { };
        private Consumer<ChatService.Builder> chat = b -> { };
        private Consumer<RatingService.Builder> ratings = b -> { };
        private Consumer<Gateway.Builder> gateway = b -> { };
        private final List<Function<Vicinity, ? extends FrameModule>> modules = new ArrayList<>();

        private Builder(VicinityBackend backend) {
            this.backend = backend;
        }

        /** This node's id (required); unique among the nodes sharing a distributed backend. */
        public Builder node(NodeId node) {
            this.node = Checks.notNull("node", node);
            return this;
        }

        /**
         * The host's authentication of {@code hello} in its simple {@code (token, device)} form
         * (required, or the {@link ContextAuthenticator} form); see {@link ContextAuthenticator#of}.
         */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = ContextAuthenticator.of(Checks.notNull("authenticator", authenticator));
            return this;
        }

        /**
         * The host's authentication of {@code hello} with the upgrade request's context (headers,
         * cookies, remote address, the host's principal; pass it with {@link Vicinity#open(Transport,
         * UpgradeRequest)}), answered asynchronously and possibly with a refusal reason (required, or
         * the simple form). Replaces an authenticator set before.
         */
        public Builder authenticator(ContextAuthenticator authenticator) {
            this.authenticator = Checks.notNull("authenticator", authenticator);
            return this;
        }

        /** The clock of every service (default system UTC; tests pass a {@code MutableClock}). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /**
         * One listener for every module (default no-op); wrapped with {@link VicinityListener#isolating},
         * so a throwing listener never breaks a request.
         */
        public Builder listener(VicinityListener listener) {
            this.listener = Checks.notNull("listener", listener);
            return this;
        }

        /**
         * The secret (at least 16 bytes) that signs nearby cursors and keys the tie order; required on a
         * distributed backend, the same on every node. Default on a single node: random per node.
         */
        public Builder cursorSecret(byte[] secret) {
            Checks.notNull("cursorSecret", secret);
            Checks.check(secret.length >= 16, "cursorSecret must have at least 16 bytes, got " + secret.length);
            this.cursorSecret = secret.clone();
            return this;
        }

        /** The gateway's frame and connection limits (default: the gateway's defaults). */
        public Builder gatewayLimits(GatewayLimits limits) {
            this.gatewayLimits = Checks.notNull("gatewayLimits", limits);
            return this;
        }

        /** Presence options (lease TTL, offline grace…). */
        public Builder presence(Consumer<PresenceService.Builder> customizer) {
            this.presence = Checks.notNull("presence", customizer);
            return this;
        }

        /** Location options (max age, cell size, update rate…). */
        public Builder locations(Consumer<LocationService.Builder> customizer) {
            this.locations = Checks.notNull("locations", customizer);
            return this;
        }

        /** Matcher options (radius, page size, query rate, score provider, filter…). */
        public Builder matcher(Consumer<NearbyMatcher.Builder> customizer) {
            this.matcher = Checks.notNull("matcher", customizer);
            return this;
        }

        /** Chat options (invite and idle timeouts, message rate and size…). */
        public Builder chat(Consumer<ChatService.Builder> customizer) {
            this.chat = Checks.notNull("chat", customizer);
            return this;
        }

        /** Rating options (window, count-once period, score policy…). */
        public Builder ratings(Consumer<RatingService.Builder> customizer) {
            this.ratings = Checks.notNull("ratings", customizer);
            return this;
        }

        /** Gateway options (auth timeout, resume window, heartbeat, connect rate…). */
        public Builder gateway(Consumer<Gateway.Builder> customizer) {
            this.gateway = Checks.notNull("gateway", customizer);
            return this;
        }

        /**
         * Adds a frame module of the host, made from the node during {@link #build()} (after presence,
         * locations, matcher and ratings; {@link Vicinity#chat()} and {@link Vicinity#gateway()} only
         * once the build has returned, e.g. from the module's frame handlers).
         */
        public Builder module(Function<Vicinity, ? extends FrameModule> factory) {
            modules.add(Checks.notNull("module", factory));
            return this;
        }

        /**
         * Runs the periodic duties on the host's scheduler (at least two threads recommended, so that a
         * slow store never delays presence); the node cancels its tasks on close but does not shut the
         * scheduler down. Default: two daemon threads of its own.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Checks.notNull("scheduler", scheduler);
            return this;
        }

        /** How often stale locations are purged (default 30 s, 1 s .. 1 h). */
        public Builder locationSweepInterval(Duration interval) {
            this.sweepInterval = Checks.between("locationSweepInterval", interval, Duration.ofSeconds(1),
                    Duration.ofHours(1));
            return this;
        }

        /** Whether {@link Vicinity#close()} closes the backend too (default true). */
        public Builder closeBackend(boolean close) {
            this.closeBackend = close;
            return this;
        }

        /**
         * Wires and builds the node; starts no thread ({@link Vicinity#start()} does).
         *
         * @throws NullPointerException if {@code node} or {@code authenticator} is missing
         * @throws IllegalStateException on a distributed backend without {@link #cursorSecret}
         * @throws dev.vicinity.core.InvalidInputException if a module's option is out of range
         */
        public Vicinity build() {
            Checks.notNull("node", node);
            Checks.notNull("authenticator", authenticator);
            if (backend.distributed() && cursorSecret == null) {
                throw new IllegalStateException("backend " + backend.name() + " is distributed: set cursorSecret(...)"
                        + " to the same secret of at least 16 bytes on every node, so that a nearby cursor issued"
                        + " by one node is accepted by the others and ties are ordered alike");
            }
            return new Vicinity(this, clock, VicinityListener.isolating(listener));
        }
    }
}
