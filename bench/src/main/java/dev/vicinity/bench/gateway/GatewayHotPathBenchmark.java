package dev.vicinity.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.memory.InMemoryChatSessionStore;
import dev.vicinity.chat.memory.InMemoryMessageStore;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.UserId;
import dev.vicinity.core.memory.InMemoryEventBus;
import dev.vicinity.core.memory.InMemoryPresenceStore;
import dev.vicinity.core.memory.InMemoryResumeStore;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.GatewayLimits;
import dev.vicinity.gateway.Principal;
import dev.vicinity.gateway.Transport;
import dev.vicinity.gateway.chat.ChatFrames;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway alone, one thread: {@code Gateway.onText} of a {@code chat.send} frame through to the
 * transports' {@code send} (three frames: the peer's {@code chat.message} push, the same push to the
 * sender's own connection, as the protocol does for every member, and the sender's {@code ok}), on the
 * in-memory backend (presence, resume, sessions, messages, event bus delivering on the caller's
 * thread) with a transport that does nothing. Two users, each signed in with {@code hello}, in one
 * {@code ACTIVE} chat; they take turns sending. {@code ping} (decode, frame budget, lease renewal,
 * {@code pong}) is the floor of any request. The inbound text is built per operation (a fresh client
 * id each time: a repeated id is a duplicate and fans out nothing); that string is part of the
 * allocation figure (about 150 bytes).
 *
 * <p>The frame rate limit is lifted (one user sends millions of frames per second here) and history is
 * capped at 1,000 messages per session so memory stays flat; everything else is the defaults.
 * Each iteration ends by checking that every send produced both frames.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class GatewayHotPathBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** A transport that writes nothing; counts frames and keeps the last one for the checks. */
    static final class NoOpTransport implements Transport {
        final String name;
        long frames;
        String last;

        NoOpTransport(String name) {
            this.name = name;
        }

        @Override
        public CompletionStage<?> send(String text) {
            frames++;
            last = text;
            return DONE;
        }

        @Override
        public void close(int status, String reason) {
        }

        @Override
        public String remoteAddress() {
            return name;
        }
    }

    private InMemoryEventBus bus;
    private ChatFrames chat;
    private Gateway gateway;
    private NoOpTransport ta;
    private NoOpTransport tb;
    private GatewayConnection a;
    private GatewayConnection b;
    private String sendPrefix;
    private long n;
    private long sendsThisIteration;
    private long aFramesAtStart;
    private long bFramesAtStart;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bus = new InMemoryEventBus();
        PresenceService presence = PresenceService.builder(new InMemoryPresenceStore(), NodeId.of("bench"))
                .eventBus(bus).build();
        chat = new ChatFrames(r -> ChatService.builder(new InMemoryChatSessionStore(), new InMemoryMessageStore(), bus, r)
                .unlimitedMessageRate().unlimitedInvites().historyLimit(1_000).build());
        GatewayLimits limits = GatewayLimits.builder().frameRate(RateLimit.perSecond(1e9, 1_000_000_000)).build();
        gateway = Gateway.builder(presence, new InMemoryResumeStore(),
                        (token, device) -> Optional.of(new Principal(UserId.of(token), DeviceId.of(device))))
                .limits(limits).module(chat).build();
        presence.subscribe(chat.service()::onPresenceChange);
        ta = new NoOpTransport("a");
        tb = new NoOpTransport("b");
        a = gateway.open(ta);
        b = gateway.open(tb);
        expect(request(a, "{\"type\":\"hello\",\"id\":\"h\",\"v\":1,\"token\":\"alice\",\"device\":\"d1\"}"), "welcome");
        expect(request(b, "{\"type\":\"hello\",\"id\":\"h\",\"v\":1,\"token\":\"bob\",\"device\":\"d1\"}"), "welcome");
        JsonNode invited = JSON.readTree(request(a, "{\"type\":\"chat.invite\",\"id\":\"i\",\"to\":[\"bob\"]}"));
        String session = invited.path("session").asText();
        expect(invited.toString(), "ok");
        expect(request(b, "{\"type\":\"chat.accept\",\"id\":\"a\",\"session\":\"" + session + "\"}"), "ok");
        if (!"ACTIVE".equals(chat.service().session(dev.vicinity.core.SessionId.of(session)).orElseThrow().state().name())) {
            throw new IllegalStateException("session not active");
        }
        sendPrefix = "{\"type\":\"chat.send\",\"id\":\"s\",\"session\":\"" + session + "\",\"text\":\"hello there, how are you?\",\"clientId\":\"m";
        // One send each way, checked frame by frame.
        for (int i = 0; i < 2; i++) {
            send();
            String ack = (i == 0 ? ta : tb).last;
            String push = (i == 0 ? tb : ta).last;
            if (!JSON.readTree(ack).path("type").asText().equals("ok") || !JSON.readTree(ack).has("seq")) {
                throw new IllegalStateException("no ack: " + ack);
            }
            if (!JSON.readTree(push).path("type").asText().equals("chat.message")) {
                throw new IllegalStateException("no push: " + push);
            }
        }
    }

    private String request(GatewayConnection c, String text) {
        NoOpTransport t = (NoOpTransport) c.transport();
        long before = t.frames;
        gateway.onText(c, text);
        if (t.frames == before) {
            throw new IllegalStateException("no answer to " + text);
        }
        return t.last;
    }

    private static void expect(String frame, String type) throws Exception {
        if (!JSON.readTree(frame).path("type").asText().equals(type)) {
            throw new IllegalStateException("expected " + type + ", got " + frame);
        }
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        sendsThisIteration = 0;
        aFramesAtStart = ta.frames;
        bFramesAtStart = tb.frames;
    }

    /** Every send produced its ack and its two pushes (pings are not counted). */
    @TearDown(Level.Iteration)
    public void checkIteration() {
        long frames = ta.frames - aFramesAtStart + tb.frames - bFramesAtStart;
        if (sendsThisIteration > 0 && frames != 3 * sendsThisIteration) {
            throw new IllegalStateException(sendsThisIteration + " sends produced " + frames + " frames, not three per send");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gateway.close();
        chat.service().close();
    }

    /** One {@code chat.send}: decode, dispatch, store, fan out (peer and sender), ack to the sender. */
    @Benchmark
    public long chatSend() {
        return send();
    }

    /**
     * The baseline of {@link #chatSend}: only building its inbound frame's text (the benchmark's own
     * allocation, included in {@code chatSend}'s figure; the gateway's share is the difference).
     */
    @Benchmark
    public int frameOnly() {
        long i = n++;
        return (sendPrefix + i + "\"}").length();
    }

    /** One {@code ping}: decode, frame budget, lease renewal, {@code pong}. */
    @Benchmark
    public long ping() {
        gateway.onText(a, "{\"type\":\"ping\",\"id\":\"p\"}");
        return ta.frames;
    }

    private long send() {
        long i = n++;
        sendsThisIteration++;
        gateway.onText((i & 1) == 0 ? a : b, sendPrefix + i + "\"}");
        return tb.frames;
    }
}
