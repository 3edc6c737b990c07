package dev.vicinity.client;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link VicinityClient} on a real socket for tests (shipped in vicinity-client's test jar), with
 * everything it reported kept in order (the lists of {@link RecordingListener}), and every frame it
 * sends and receives validated against protocol/schema/ ({@link #close()} fails on a violation).
 * Thread-safe.
 */
public final class RecordingClient extends RecordingListener implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    public final VicinityClient client;
    private final ExecutorScheduler scheduler;

    /** Why frames the client sent or received are not valid by protocol/schema/ (empty: all valid). */
    public final List<String> schemaErrors = new CopyOnWriteArrayList<>();
    private final Map<String, String> requestTypes = new ConcurrentHashMap<>();

    private RecordingClient(VicinityClientBuilder builder, String name) {
        this.scheduler = new ExecutorScheduler("test-client-" + name);
        ClientTransport.Factory inner = builder.transport != null ? builder.transport : JdkWebSocketTransport.factory();
        this.client = builder.scheduler(scheduler).transport(validating(inner)).build();
        client.addListener(this);
    }

    /** {@code inner}, with every frame checked against the protocol's schemas (each answer against its request's). */
    private ClientTransport.Factory validating(ClientTransport.Factory inner) {
        return (uri, listener) -> {
            ClientTransport t = inner.open(uri, new ClientTransport.Listener() {
                @Override
                public void onOpen() {
                    listener.onOpen();
                }

                @Override
                public void onText(String text) {
                    JsonNode f = read(text);
                    if (f != null) {
                        String re = f.path("re").asText(null);
                        String type = re == null ? null : requestTypes.remove(re);
                        schemaErrors.addAll(type == null ? FrameSchemas.serverFrameErrors(f) : FrameSchemas.answerErrors(type, f));
                    }
                    listener.onText(text);
                }

                @Override
                public void onClose(int code, String reason) {
                    listener.onClose(code, reason);
                }

                @Override
                public void onError(Throwable error) {
                    listener.onError(error);
                }
            });
            return new ClientTransport() {
                @Override
                public boolean send(String text) {
                    JsonNode f = read(text);
                    if (f != null) {
                        schemaErrors.addAll(FrameSchemas.clientFrameErrors(f));
                        requestTypes.put(f.path("id").asText(), f.path("type").asText());
                    }
                    return t.send(text);
                }

                @Override
                public void close(int code, String reason) {
                    t.close(code, reason);
                }
            };
        };
    }

    private JsonNode read(String text) {
        try {
            return RawClient.JSON.readTree(text);
        } catch (java.io.IOException e) {
            schemaErrors.add("not JSON: " + text);
            return null;
        }
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

    /** Closes the client (bye, 1000) and stops its thread; then fails if any frame broke the protocol's schemas. */
    @Override
    public void close() {
        client.close();
        await().atMost(TIMEOUT).until(() -> client.state().status() == ConnectionState.Status.STOPPED);
        scheduler.shutdown();
        if (!schemaErrors.isEmpty()) {
            throw new AssertionError("frames that break protocol/schema/: " + schemaErrors);
        }
    }
}
