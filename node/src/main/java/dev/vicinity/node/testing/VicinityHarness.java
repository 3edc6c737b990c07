package dev.vicinity.node.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.MutableClock;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.Principal;
import dev.vicinity.node.InMemoryBackend;
import dev.vicinity.node.Vicinity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link Vicinity} node for testing host code: the in-memory backend, a {@link MutableClock}, a test
 * authenticator, and in-process protocol clients ({@link #client(String)}).
 *
 * <pre>
 * try (VicinityHarness harness = VicinityHarness.create()) {
 *     HarnessClient alice = harness.client("alice");
 *     alice.hello();
 *     alice.callOk("geo.location", "lat", 52.52, "lon", 13.405, "accuracy", 10);
 *     harness.advance(Duration.ofMinutes(2));   // alice pings as a real client would: still online
 * }
 * </pre>
 *
 * <p>Defaults: node {@code harness}; the clock starts at {@link MutableClock#DEFAULT_START}; the
 * authenticator accepts a {@code hello} whose token is a valid user id, as that user on the device
 * the client claims (any other token is refused). {@link Builder#configure} changes any of it and
 * every module option, with the customizers of {@link Vicinity.Builder} (also
 * {@code .authenticator(...)}: then send the tokens it expects with {@link HarnessClient#hello(String)}).
 * The node is not {@link Vicinity#start() started}: its periodic duties run when the test moves the
 * clock ({@link #advance}) or calls {@link #tick()}, so nothing happens behind the test's back.
 *
 * <p>Deterministic: no sleeps and no threads of its own. On the in-memory backend answers and pushes
 * are delivered before the call that caused them returns; a wait ({@link HarnessClient#awaitPush}, an
 * answer given later by a host module) blocks at most {@link Builder#awaitTimeout} and then fails with
 * an {@link AssertionError}.
 *
 * <p>Not in {@code vicinity-testkit}: the harness needs the node, and the node's optional adapters use
 * the testkit in their tests (a Maven cycle). No test framework is needed: failed expectations are
 * {@link AssertionError}s, misuse is {@link IllegalStateException}/{@link IllegalArgumentException}.
 *
 * <p>Thread-safe: clients may be driven from several threads; {@link #advance} and {@link #tick()}
 * run one at a time. A close the node initiates (heartbeat timeout, replaced, kicked…) is reported
 * back to the node ({@link Vicinity#onClosed}) as a WebSocket server would, right after the harness
 * operation during which it happened.
 */
public final class VicinityHarness implements AutoCloseable {
    private final MutableClock clock;
    private final Vicinity vicinity;
    private final Duration step;
    private final Duration awaitTimeout;
    private final ObjectMapper json = new ObjectMapper();
    private final List<HarnessClient> clients = new CopyOnWriteArrayList<>();
    private final Queue<PendingClose> closes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object timeLock = new Object();

    private VicinityHarness(Vicinity vicinity, MutableClock clock, Duration step, Duration awaitTimeout) {
        this.vicinity = vicinity;
        this.clock = clock;
        this.step = step;
        this.awaitTimeout = awaitTimeout;
    }

    /**
     * A harness over a node the test built itself (another backend, e.g. H2GIS, or a node built by the
     * code under test) whose clock is {@code clock}; the harness drives it as its own (do not
     * {@link Vicinity#start() start} it, or expect its duties to run in the background too) and
     * {@link #close()} closes it. Clients send the tokens its authenticator expects with
     * {@link HarnessClient#hello(String)}. Step 1 s, await timeout 5 s.
     */
    public static VicinityHarness attach(Vicinity vicinity, MutableClock clock) {
        return new VicinityHarness(Checks.notNull("vicinity", vicinity), Checks.notNull("clock", clock),
                Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    /** A harness with the defaults. */
    public static VicinityHarness create() {
        return builder().build();
    }

    /** A harness whose node is customized by {@code customizer} (e.g. {@code b -> b.chat(c -> ...)}). */
    public static VicinityHarness create(Consumer<Vicinity.Builder> customizer) {
        return builder().configure(customizer).build();
    }

    /** Options of a harness. */
    public static Builder builder() {
        return new Builder();
    }

    private static Optional<Principal> userIdToken(String token, String device) {
        try {
            return Optional.of(new Principal(UserId.of(token), DeviceId.of(device)));
        } catch (RuntimeException notAnId) {
            return Optional.empty();
        }
    }

    /**
     * A new client of {@code user} on device {@code phone} that has said {@link HarnessClient#hello()
     * hello} (with the default authenticator's token, the user id).
     *
     * @throws AssertionError if the hello is refused
     */
    public HarnessClient connect(String user) {
        HarnessClient c = client(user);
        c.hello();
        return c;
    }

    /** A new client of {@code user} on device {@code phone}; see {@link #client(String, String)}. */
    public HarnessClient client(String user) {
        return client(user, "phone");
    }

    /**
     * A new client of {@code user} on {@code device}; its socket opens at its first call. Every call
     * makes a new client: two clients of the same user and device are two connections of one device,
     * and the newer replaces the older (close 4200), as in production.
     */
    public HarnessClient client(String user, String device) {
        checkOpen();
        HarnessClient c = new HarnessClient(this, json, Objects.requireNonNull(user, "user"),
                Objects.requireNonNull(device, "device"));
        clients.add(c);
        return c;
    }

    /**
     * Moves the clock forward by {@code amount} in steps of at most {@link Builder#step} (default 1 s).
     * After each step every connected client whose heartbeat is due sends its {@code ping} (at the
     * interval its {@code welcome} announced; not a client with {@link HarnessClient#keepAlive
     * keepAlive(false)}), then the node's periodic duties run once ({@link Vicinity#tick()}). So moving
     * the clock minutes ahead detaches nobody who would have stayed connected, and times out exactly
     * those who fell silent.
     *
     * @throws IllegalArgumentException if {@code amount} is negative
     * @throws AssertionError if a heartbeat ping is not answered {@code pong}
     */
    public void advance(Duration amount) {
        Checks.notNull("amount", amount);
        Checks.check(!amount.isNegative(), "amount must not be negative, got " + amount);
        checkOpen();
        synchronized (timeLock) {
            Duration left = amount;
            while (!left.isZero()) {
                Duration d = left.compareTo(step) < 0 ? left : step;
                Instant now = clock.advance(d);
                left = left.minus(d);
                for (HarnessClient c : clients) {
                    c.heartbeatIfDue(now);
                }
                tickNow();
            }
        }
    }

    /** Runs the node's periodic duties once without moving the clock (invite expiry, reveals, sweeps…). */
    public void tick() {
        checkOpen();
        synchronized (timeLock) {
            tickNow();
        }
    }

    private void tickNow() {
        vicinity.tick();
        reportCloses();
    }

    /** The node: its services ({@code chat()}, {@code presence()}, {@code ratings()}…) for host code and assertions. */
    public Vicinity vicinity() {
        return vicinity;
    }

    /** The node's clock. Moving it directly skips the heartbeats: prefer {@link #advance}. */
    public MutableClock clock() {
        return clock;
    }

    /** Every client made so far. */
    public List<HarnessClient> clients() {
        return List.copyOf(clients);
    }

    /** Closes the node (connections detach; the in-memory backend is dropped). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            vicinity.close();
            closes.clear();
        }
    }

    Duration awaitTimeout() {
        return awaitTimeout;
    }

    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this VicinityHarness is closed");
        }
    }

    /** A socket the node closed; reported to the node by {@link #reportCloses()}, outside the node's call. */
    void closedByNode(Supplier<GatewayConnection> connection, int status, String reason) {
        closes.add(new PendingClose(connection, status, reason));
    }

    /** Tells the node about the sockets it closed, as the WebSocket server's close callback would. */
    void reportCloses() {
        for (PendingClose p = closes.poll(); p != null && !closed.get(); p = closes.poll()) {
            GatewayConnection c = p.connection().get();
            if (c != null) {
                vicinity.onClosed(c, p.status(), p.reason());
            }
        }
    }

    private record PendingClose(Supplier<GatewayConnection> connection, int status, String reason) {}

    /** Options of a {@link VicinityHarness}. Not thread-safe. */
    public static final class Builder {
        private Instant start = MutableClock.DEFAULT_START;
        private Duration step = Duration.ofSeconds(1);
        private Duration awaitTimeout = Duration.ofSeconds(5);
        private final List<Consumer<Vicinity.Builder>> customizers = new ArrayList<>();

        private Builder() {}

        /** Where the clock starts (default {@link MutableClock#DEFAULT_START}). */
        public Builder start(Instant start) {
            this.start = Checks.notNull("start", start);
            return this;
        }

        /**
         * Customizes the node after the harness's defaults (node id, clock, authenticator), with the
         * methods of {@link Vicinity.Builder}: module options ({@code .chat(c -> c.inviteTimeout(...))},
         * {@code .presence(...)}, {@code .gateway(...)}…), a listener, host frame modules, another
         * authenticator. May be called several times; they run in order.
         */
        public Builder configure(Consumer<Vicinity.Builder> customizer) {
            customizers.add(Checks.notNull("configure", customizer));
            return this;
        }

        /** The largest step of {@link VicinityHarness#advance} (default 1 s, 1 ms .. 1 s). */
        public Builder step(Duration step) {
            this.step = Checks.between("step", step, Duration.ofMillis(1), Duration.ofSeconds(1));
            return this;
        }

        /**
         * How long a wait for a frame from another thread may take before it fails (default 5 s,
         * 1 ms .. 10 min). Real time, not the test clock; nothing waits on the in-memory backend.
         */
        public Builder awaitTimeout(Duration timeout) {
            this.awaitTimeout = Checks.between("awaitTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(10));
            return this;
        }

        /** Builds the node (not started: the harness drives its duties). */
        public VicinityHarness build() {
            MutableClock clock = new MutableClock(start);
            Vicinity.Builder vb = Vicinity.builder(new InMemoryBackend(clock))
                    .node(NodeId.of("harness"))
                    .clock(clock)
                    .authenticator((token, device) -> userIdToken(token, device));
            for (Consumer<Vicinity.Builder> c : customizers) {
                c.accept(vb);
            }
            return new VicinityHarness(vb.build(), clock, step, awaitTimeout);
        }
    }
}
