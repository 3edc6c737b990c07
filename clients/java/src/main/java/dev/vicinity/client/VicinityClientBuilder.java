package dev.vicinity.client;

import java.net.URI;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Options of a {@link VicinityClient}. Not thread-safe; {@link #build()} validates and copies nothing
 * that changes later.
 */
public final class VicinityClientBuilder {
    final Supplier<URI> url;
    final Supplier<String> token;
    final String device;
    @Nullable String resume;
    ClientTransport.@Nullable Factory transport;
    @Nullable Scheduler scheduler;
    DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    Supplier<String> newId = () -> UUID.randomUUID().toString();
    long initialDelayMs = 500;
    long maxDelayMs = 30_000;
    long connectTimeoutMs = 10_000;
    long requestTimeoutMs = 15_000;
    long pongTimeoutMs;
    int maxSendAttempts = 8;
    int historyPageSize = 200;

    VicinityClientBuilder(Supplier<URI> url, Supplier<String> token, String device) {
        this.url = Objects.requireNonNull(url, "url");
        this.token = Objects.requireNonNull(token, "token");
        this.device = Objects.requireNonNull(device, "device");
    }

    /** A resume token kept from an earlier connection: the first attempt resumes instead of saying hello. */
    public VicinityClientBuilder resume(@Nullable String token) {
        this.resume = token;
        return this;
    }

    /** The WebSocket implementation; default {@link JdkWebSocketTransport#factory()}. */
    public VicinityClientBuilder transport(ClientTransport.Factory factory) {
        this.transport = factory;
        return this;
    }

    /**
     * The client's thread and time. Default: a new {@link ExecutorScheduler} of the client's own (one
     * daemon thread named {@code vicinity-client-<device>}), shut down by {@link VicinityClient#close()}.
     * A scheduler given here belongs to the caller: {@code close()} leaves it running.
     */
    public VicinityClientBuilder scheduler(Scheduler scheduler) {
        this.scheduler = scheduler;
        return this;
    }

    /** Random numbers in [0, 1) for the backoff jitter. */
    public VicinityClientBuilder random(DoubleSupplier random) {
        this.random = random;
        return this;
    }

    /** New client message ids and idempotency keys; default random UUIDs. */
    public VicinityClientBuilder newId(Supplier<String> newId) {
        this.newId = newId;
        return this;
    }

    /** Reconnect delay before attempt n: uniform in [cap/2, cap], cap = min(max, initial * 2^(n-1)); default 500 ms / 30 s. */
    public VicinityClientBuilder backoff(long initialDelayMs, long maxDelayMs) {
        this.initialDelayMs = initialDelayMs;
        this.maxDelayMs = maxDelayMs;
        return this;
    }

    /** Opening the socket plus the handshake must finish within this (default 10 s). */
    public VicinityClientBuilder connectTimeoutMs(long ms) {
        this.connectTimeoutMs = ms;
        return this;
    }

    /** A request without an answer after this fails with {@code timeout} (default 15 s). */
    public VicinityClientBuilder requestTimeoutMs(long ms) {
        this.requestTimeoutMs = ms;
        return this;
    }

    /** No frame within this after a ping drops the socket (default: the advertised heartbeat interval). */
    public VicinityClientBuilder pongTimeoutMs(long ms) {
        this.pongTimeoutMs = ms;
        return this;
    }

    /** A message whose sends keep failing with retryable errors is failed after this many attempts (default 8; drops do not count). */
    public VicinityClientBuilder maxSendAttempts(int n) {
        this.maxSendAttempts = n;
        return this;
    }

    /** Messages per {@code chat.history} page when filling gaps (default 200, capped by the server's maxHistoryPage). */
    public VicinityClientBuilder historyPageSize(int n) {
        this.historyPageSize = n;
        return this;
    }

    /**
     * A new client with these options (each call a new client; the options may be changed and built again).
     *
     * @throws IllegalArgumentException naming the first option out of range
     */
    public VicinityClient build() {
        require(initialDelayMs > 0, "backoff: initialDelayMs must be positive, got " + initialDelayMs);
        require(maxDelayMs >= initialDelayMs, "backoff: maxDelayMs " + maxDelayMs + " is below initialDelayMs " + initialDelayMs);
        require(connectTimeoutMs > 0, "connectTimeoutMs must be positive, got " + connectTimeoutMs);
        require(requestTimeoutMs > 0, "requestTimeoutMs must be positive, got " + requestTimeoutMs);
        require(pongTimeoutMs >= 0, "pongTimeoutMs must be positive (or 0: the heartbeat interval), got " + pongTimeoutMs);
        require(maxSendAttempts >= 1, "maxSendAttempts must be at least 1, got " + maxSendAttempts);
        require(historyPageSize >= 1, "historyPageSize must be at least 1, got " + historyPageSize);
        ClientTransport.Factory t = transport == null ? JdkWebSocketTransport.factory() : transport;
        Scheduler given = scheduler;
        boolean ownsScheduler = given == null;
        Scheduler sch = given == null ? new ExecutorScheduler("vicinity-client-" + device) : given;
        return new VicinityClient(this, sch, ownsScheduler, t);
    }

    private static void require(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }
}
