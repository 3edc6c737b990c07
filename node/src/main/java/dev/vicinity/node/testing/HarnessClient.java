package dev.vicinity.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One in-process protocol client of a {@link VicinityHarness}: a user on a device, speaking the JSON
 * frames of docs/protocol.md through the node's transport callbacks, as a WebSocket server would. It
 * records every frame the node sends it (answers and pushes, across all its sockets) and keeps what a
 * real client keeps: the resume token, the heartbeat interval and, per chat session, the last
 * {@code chat.message} sequence seen.
 *
 * <p>A socket opens at the first {@link #hello()}, {@link #call} or {@link #reconnect()}; after
 * {@link #drop()}, {@link #close(int)} or a close by the node, {@link #hello()} and {@link #resume()}
 * open a new one, and {@link #call} refuses ({@link IllegalStateException}) until then.
 *
 * <p>Answers: {@link #call} returns the frame carrying {@code re: <id>} ({@code ok}, {@code error},
 * {@code welcome}, {@code resumed}, {@code pong}); on the in-memory backend it is there when the
 * node's callback returns, so nothing waits. An answer given later (a host module answering
 * asynchronously) is waited for up to the harness's {@code awaitTimeout}; none is an
 * {@link AssertionError}. Methods that expect success ({@link #hello()}, {@link #resume()},
 * {@link #callOk}) throw {@link AssertionError} with the refusal otherwise.
 *
 * <p>Thread-safe: calls of one client run one at a time (as a WebSocket server hands the node one
 * frame of a connection at a time); frames pushed from other threads are recorded meanwhile.
 */
public final class HarnessClient {
    private static final int SHOWN_FRAMES = 20;

    private final VicinityHarness harness;
    private final ObjectMapper json;
    private final String user;
    private final String device;
    private final ReentrantLock calls = new ReentrantLock();
    /** Guards every field below and the frames; notified when a frame arrives. */
    private final Object lock = new Object();
    private final List<JsonNode> frames = new ArrayList<>();
    private final Map<String, Long> lastSeq = new LinkedHashMap<>();
    private @Nullable Socket socket;
    private @Nullable String resumeToken;
    private @Nullable Duration heartbeat;
    private @Nullable Instant lastSent;
    private boolean keepAlive = true;
    private int ids;

    HarnessClient(VicinityHarness harness, ObjectMapper json, String user, String device) {
        this.harness = harness;
        this.json = json;
        this.user = user;
        this.device = device;
    }

    /** The user id this client claims (its {@code hello} token with the harness's default authenticator). */
    public String user() {
        return user;
    }

    /** The device id it sends in {@code hello}. */
    public String device() {
        return device;
    }

    // ------------------------------------------------------------------ handshake and lifecycle

    /**
     * Sends {@code hello} with the user id as token (what the harness's default authenticator accepts),
     * on a new socket if the current one is closed, and returns the {@code welcome}.
     *
     * @throws AssertionError if the node answers anything else (the error frame is in the message)
     */
    public JsonNode hello() {
        return hello(user);
    }

    /** {@link #hello()} with another token (for a custom authenticator). */
    public JsonNode hello(String token) {
        Objects.requireNonNull(token, "token");
        calls.lock();
        try {
            if (liveSocket() == null) {
                reconnect();
            }
            return expect("welcome", call("hello", "v", 1, "token", token, "device", device), "hello");
        } finally {
            calls.unlock();
        }
    }

    /**
     * Opens a new socket and sends {@code resume} with the last resume token and, per chat session,
     * the last message sequence this client has seen ({@code chat.sessions}); returns the
     * {@code resumed} (the replayed messages and {@code chat.resumed} pushes follow in
     * {@link #pushes}). To see a refused resume, {@link #reconnect()} and {@link #call} {@code resume}
     * yourself with {@link #resumeToken()}.
     *
     * @throws IllegalStateException if this client never got a resume token
     * @throws AssertionError if the node refuses the resume
     */
    public JsonNode resume() {
        calls.lock();
        try {
            String token;
            Map<String, Long> sessions;
            synchronized (lock) {
                token = resumeToken;
                sessions = new LinkedHashMap<>(lastSeq);
            }
            if (token == null) {
                throw new IllegalStateException(this + " has no resume token: hello() first");
            }
            reconnect();
            return expect("resumed", call("resume", "v", 1, "resume", token, "chat", Map.of("sessions", sessions)),
                    "resume");
        } finally {
            calls.unlock();
        }
    }

    /**
     * Opens a new socket (not authenticated yet; the node's auth deadline runs). A socket still open
     * stays open (the node may replace it when the new one authenticates).
     */
    public HarnessClient reconnect() {
        calls.lock();
        try {
            harness.checkOpen();
            Socket s = new Socket();
            s.connection = harness.vicinity().open(s);
            synchronized (lock) {
                socket = s;
            }
            return this;
        } finally {
            calls.unlock();
        }
    }

    /**
     * The socket is lost without a close frame (status 1006): the node detaches the connection, which
     * may {@link #resume()} within the resume window.
     *
     * @throws IllegalStateException if no socket is open
     */
    public void drop() {
        close(1006, "dropped by the test");
    }

    /** Closes the socket with {@code status}: 1000 is a final close, anything else detaches (resumable). */
    public void close(int status) {
        close(status, status == 1000 ? "normal" : "closed by the test");
    }

    private void close(int status, String reason) {
        calls.lock();
        try {
            Socket s = liveSocket();
            if (s == null) {
                throw new IllegalStateException(this + " has no open socket to close");
            }
            synchronized (lock) {
                s.closeStatus = status;
            }
            harness.vicinity().onClosed(s.connection, status, reason);
            harness.reportCloses();
        } finally {
            calls.unlock();
        }
    }

    /**
     * Whether {@link VicinityHarness#advance} sends this client's heartbeat {@code ping}s (default
     * true). Switch it off to see what happens to a client that falls silent.
     */
    public HarnessClient keepAlive(boolean on) {
        synchronized (lock) {
            keepAlive = on;
        }
        return this;
    }

    /** Whether the current socket is open and authenticated ({@code welcome} or {@code resumed} received). */
    public boolean connected() {
        synchronized (lock) {
            return socket != null && socket.closeStatus == null && socket.attached;
        }
    }

    /** The close status of the current socket (set by the node or by this client), empty while it is open. */
    public OptionalInt closeStatus() {
        synchronized (lock) {
            return socket == null || socket.closeStatus == null ? OptionalInt.empty() : OptionalInt.of(socket.closeStatus);
        }
    }

    /** The last resume token received (from {@code welcome} or {@code resumed}), or null. */
    public @Nullable String resumeToken() {
        synchronized (lock) {
            return resumeToken;
        }
    }

    // ------------------------------------------------------------------ requests

    /**
     * Sends a request built from {@code type} and alternating field names and values (strings,
     * numbers, booleans, lists, maps or {@link JsonNode}s), with a fresh {@code id}, and returns its
     * answer, whatever it is.
     *
     * @throws IllegalArgumentException if {@code keyValues} is not name/value pairs
     * @throws IllegalStateException if no socket is open
     * @throws AssertionError if no answer comes
     */
    public JsonNode call(String type, Object... keyValues) {
        Objects.requireNonNull(type, "type");
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("call(" + type + ", ...) needs field name/value pairs, got "
                    + keyValues.length + " arguments");
        }
        ObjectNode frame = json.createObjectNode().put("type", type);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (!(keyValues[i] instanceof String name)) {
                throw new IllegalArgumentException("call(" + type + ", ...): argument " + i
                        + " must be a field name, got " + keyValues[i]);
            }
            frame.set(name, json.valueToTree(keyValues[i + 1]));
        }
        return call(frame);
    }

    /** Sends {@code frame} (an {@code id} is added if it has none) and returns its answer, whatever it is. */
    public JsonNode call(Map<String, ?> frame) {
        JsonNode tree = json.valueToTree(Objects.requireNonNull(frame, "frame"));
        return call(tree);
    }

    /**
     * Sends {@code frame} (a JSON object with a {@code type}; an {@code id} is added if it has none)
     * and returns its answer, whatever it is.
     */
    public JsonNode call(JsonNode frame) {
        Objects.requireNonNull(frame, "frame");
        if (!frame.isObject() || !frame.path("type").isTextual()) {
            throw new IllegalArgumentException("a frame is a JSON object with a string type, got " + frame);
        }
        ObjectNode f = ((ObjectNode) frame).deepCopy();
        calls.lock();
        try {
            harness.checkOpen();
            Socket s = liveSocket();
            if (s == null) {
                s = socket();
                if (s != null) {
                    throw new IllegalStateException(this + "'s socket is closed (status " + s.closeStatus
                            + "): hello() or resume() open a new one");
                }
                reconnect();
                s = liveSocket();
            }
            String id;
            int from;
            synchronized (lock) {
                if (!f.hasNonNull("id")) {
                    f.put("id", "h" + ++ids);
                }
                id = f.path("id").asText();
                from = frames.size();
                lastSent = harness.clock().instant();
            }
            harness.vicinity().onText(Objects.requireNonNull(s, "not connected").connection, f.toString());
            JsonNode answer = awaitAnswer(id, from, f);
            harness.reportCloses();
            return answer;
        } finally {
            calls.unlock();
        }
    }

    /**
     * {@link #call(String, Object...)} expecting success: returns the answer unless it is an
     * {@code error}.
     *
     * @throws AssertionError with the error frame if the node refused the request
     */
    public JsonNode callOk(String type, Object... keyValues) {
        JsonNode answer = call(type, keyValues);
        if ("error".equals(answer.path("type").asText())) {
            throw new AssertionError(this + "'s " + type + " was refused: " + answer);
        }
        return answer;
    }

    // ------------------------------------------------------------------ what the node sent

    /** Every frame received so far, answers and pushes, oldest first (a copy). */
    public List<JsonNode> frames() {
        synchronized (lock) {
            return List.copyOf(frames);
        }
    }

    /** The pushes (frames without {@code re}) of {@code type} received so far, oldest first. */
    public List<JsonNode> pushes(String type) {
        Objects.requireNonNull(type, "type");
        synchronized (lock) {
            return frames.stream().filter(f -> isPush(f, type)).toList();
        }
    }

    /**
     * The latest push of {@code type}.
     *
     * @throws AssertionError if none was received
     */
    public JsonNode lastPush(String type) {
        List<JsonNode> found = pushes(type);
        if (found.isEmpty()) {
            throw new AssertionError(this + " received no " + type + " push; last frames: " + shown());
        }
        return found.get(found.size() - 1);
    }

    /** The first push of {@code type}, waiting for one if none came yet; see {@link #awaitPush(String, Predicate)}. */
    public JsonNode awaitPush(String type) {
        return awaitPush(type, f -> true);
    }

    /**
     * Returns the first push of {@code type} matching {@code condition}, waiting up to the harness's
     * {@code awaitTimeout} for it if none was received yet (a push that comes from another thread; on
     * the in-memory backend pushes are delivered before the call that caused them returns, and this
     * never waits).
     *
     * @throws AssertionError if none comes in time
     */
    public JsonNode awaitPush(String type, Predicate<JsonNode> condition) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(condition, "condition");
        JsonNode found = await(() -> frames.stream().filter(f -> isPush(f, type) && condition.test(f))
                .findFirst().orElse(null));
        if (found == null) {
            throw new AssertionError(this + " received no matching " + type + " push within "
                    + harness.awaitTimeout().toMillis() + " ms; last frames: " + shown());
        }
        return found;
    }

    @Override
    public String toString() {
        return user + "/" + device;
    }

    // ------------------------------------------------------------------ harness side

    /** Sends a heartbeat {@code ping} if one is due at {@code now}; called by {@link VicinityHarness#advance}. */
    void heartbeatIfDue(Instant now) {
        synchronized (lock) {
            if (!keepAlive || socket == null || socket.closeStatus != null || !socket.attached || heartbeat == null
                    || now.isBefore(Objects.requireNonNull(lastSent, "set by the hello").plus(heartbeat))) {
                return;
            }
        }
        expect("pong", call("ping"), "heartbeat ping");
    }

    private JsonNode expect(String type, JsonNode answer, String what) {
        if (!type.equals(answer.path("type").asText())) {
            throw new AssertionError(this + "'s " + what + " was answered " + answer + " instead of " + type);
        }
        return answer;
    }

    private JsonNode awaitAnswer(String id, int from, JsonNode request) {
        JsonNode answer = await(() -> {
            for (int i = from; i < frames.size(); i++) {
                if (id.equals(frames.get(i).path("re").asText(null))) {
                    return frames.get(i);
                }
            }
            return null;
        });
        if (answer == null) {
            throw new AssertionError("no answer to " + request + " from " + this + " within "
                    + harness.awaitTimeout().toMillis() + " ms; last frames: " + shown());
        }
        return answer;
    }

    /** Evaluates {@code lookup} under the lock until it finds something or the await timeout passes. */
    private @Nullable JsonNode await(Supplier<JsonNode> lookup) {
        long deadline = System.nanoTime() + harness.awaitTimeout().toNanos();
        synchronized (lock) {
            JsonNode found = lookup.get();
            while (found == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while " + this + " waited for a frame", e);
                }
                found = lookup.get();
            }
            return found;
        }
    }

    private static boolean isPush(JsonNode f, String type) {
        return !f.has("re") && type.equals(f.path("type").asText());
    }

    private String shown() {
        synchronized (lock) {
            return frames.subList(Math.max(0, frames.size() - SHOWN_FRAMES), frames.size()).toString();
        }
    }

    private @Nullable Socket socket() {
        synchronized (lock) {
            return socket;
        }
    }

    private @Nullable Socket liveSocket() {
        synchronized (lock) {
            return socket != null && socket.closeStatus == null ? socket : null;
        }
    }

    private void received(Socket s, JsonNode f) {
        synchronized (lock) {
            frames.add(f);
            String type = f.path("type").asText();
            if (("welcome".equals(type) || "resumed".equals(type)) && f.has("resume")) {
                resumeToken = f.path("resume").asText();
                heartbeat = Duration.ofSeconds(f.path("heartbeatSeconds").asLong());
                s.attached = true;
            } else if ("chat.message".equals(type) && f.has("seq")) {
                lastSeq.merge(f.path("session").asText(), f.path("seq").asLong(), Math::max);
            }
            lock.notifyAll();
        }
    }

    /** The transport of one socket: records what the node sends; a close by the node is reported back to it. */
    private final class Socket implements Transport {
        @SuppressWarnings("NullAway.Init") // set right after the node accepts the socket
        volatile GatewayConnection connection;
        /** Guarded by the client's lock. */
        boolean attached;
        /** Guarded by the client's lock; null while open. */
        @Nullable Integer closeStatus;

        @Override
        public CompletionStage<?> send(String text) {
            JsonNode f;
            try {
                f = json.readTree(text);
            } catch (Exception e) {
                throw new AssertionError("the node sent " + HarnessClient.this + " invalid JSON: " + text, e);
            }
            received(this, f);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close(int status, String reason) {
            synchronized (lock) {
                if (closeStatus != null) {
                    return;
                }
                closeStatus = status;
            }
            // A WebSocket server tells the node that the socket it closed is closed; the harness does it
            // once the node's current call has returned, never from inside it.
            harness.closedByNode(() -> connection, status, reason);
        }

        @Override
        public String remoteAddress() {
            return "harness:" + user + "/" + device;
        }
    }
}
