package dev.vicinity.client;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link VicinityClient} on a real socket for tests (shipped in vicinity-client's test jar), with
 * everything it reported kept in order (the lists of {@link RecordingListener}). Thread-safe.
 */
public final class RecordingClient extends RecordingListener implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    public final VicinityClient client;
    private final ExecutorScheduler scheduler;

    private RecordingClient(VicinityClientBuilder builder, String name) {
        this.scheduler = new ExecutorScheduler("test-client-" + name);
        this.client = builder.scheduler(scheduler).build();
        client.addListener(this);
    }

    /**
     * A client of user {@code name} (demo credential {@code demo:<name>}) to {@code url}, connected:
     * returns once it is {@code CONNECTED}. {@code tune} may change the builder (backoff, transport, …).
     */
    public static RecordingClient connect(URI url, String name, Consumer<VicinityClientBuilder> tune) {
        return connect(() -> url, name, tune);
    }

    /** {@link #connect(URI, String, Consumer)} with the URL asked before every attempt (e.g. to move to another node). */
    public static RecordingClient connect(Supplier<URI> url, String name, Consumer<VicinityClientBuilder> tune) {
        VicinityClientBuilder b = VicinityClient.builder(url, () -> "demo:" + name, "phone-" + name).backoff(50, 500);
        tune.accept(b);
        RecordingClient c = new RecordingClient(b, name);
        c.client.connect();
        await().atMost(TIMEOUT).until(c::connected);
        return c;
    }

    /** A client of user {@code name} to {@code ws://127.0.0.1:<port>/ws}, connected. */
    public static RecordingClient connect(int port, String name) {
        return connect(URI.create("ws://127.0.0.1:" + port + "/ws"), name, b -> { });
    }

    public boolean connected() {
        return client.state().status() == ConnectionState.Status.CONNECTED;
    }

    /** The user id the server gave this connection. */
    public String user() {
        return client.state().user();
    }

    /** Waits for a stage of this client (never on the client's own thread). */
    public static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the client (bye, 1000) and stops its thread. */
    @Override
    public void close() {
        client.close();
        await().atMost(TIMEOUT).until(() -> client.state().status() == ConnectionState.Status.STOPPED);
        scheduler.shutdown();
    }
}
