package dev.vicinity.bench.chat;

import dev.vicinity.chat.ChatEvent;
import dev.vicinity.chat.ChatRecipients;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.chat.memory.InMemoryChatSessionStore;
import dev.vicinity.core.memory.InMemoryEventBus;
import dev.vicinity.chat.memory.InMemoryMessageStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * End-to-end in-process chat fan-out: {@code ChatService.send} (validation, session read, idempotent
 * append with sequence assignment, compact binary encoding, publish) through {@link InMemoryEventBus}
 * to the node's session subscription (decode, membership check, ordered delivery) and into a
 * {@link ChatRecipients} that hands each event to a blackhole. Sessions have two joined members, each
 * with one local connection, so one send is two deliveries; the {@code deliveries} counter reports
 * deliveries per second. History is capped (trimmed in batches) so memory stays flat.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class ChatFanOutBenchmark {
    @Param({"1000"})
    public int sessions;

    private ChatService chat;
    private SessionId[] ids;
    private UserId[] senders;
    private final AtomicLong clientIds = new AtomicLong();
    private volatile Blackhole sink;
    /** Deliveries made on each thread (the in-memory bus delivers on the publishing thread). */
    private final ThreadLocal<long[]> delivered = ThreadLocal.withInitial(() -> new long[1]);

    /** Deliveries counted by the recipients, reported by JMH per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries {
        public long deliveries;

        @Setup(Level.Iteration)
        public void reset() {
            deliveries = 0;
        }
    }

    @Setup
    public void setUp(Blackhole bh) {
        sink = bh;
        Map<UserId, List<ConnectionId>> conns = new ConcurrentHashMap<>();
        ChatRecipients recipients = new ChatRecipients() {
            @Override
            public Collection<ConnectionId> localConnections(UserId user) {
                List<ConnectionId> c = conns.get(user);
                return c == null ? List.of() : c;
            }

            @Override
            public void deliver(ConnectionId connection, ChatEvent event) {
                delivered.get()[0]++;
                sink.consume(event);
            }
        };
        InMemoryEventBus bus = new InMemoryEventBus();
        chat = ChatService.builder(new InMemoryChatSessionStore(), new InMemoryMessageStore(), bus, recipients)
                .unlimitedMessageRate().unlimitedInvites().historyLimit(1_000).build();
        ids = new SessionId[sessions];
        senders = new UserId[sessions];
        for (int i = 0; i < sessions; i++) {
            UserId a = UserId.of("a" + i);
            UserId b = UserId.of("b" + i);
            conns.put(a, List.of(ConnectionId.of("ca" + i)));
            conns.put(b, List.of(ConnectionId.of("cb" + i)));
            chat.attach(a);
            chat.attach(b);
            ChatSession s = chat.invite(a, List.of(b));
            chat.accept(s.id(), b);
            ids[i] = s.id();
            senders[i] = (i & 1) == 0 ? a : b;
        }
    }

    @TearDown
    public void tearDown() {
        chat.close();
    }

    /** One sending thread. */
    @Benchmark
    public Object send(Deliveries counter) {
        return sendOne(counter);
    }

    /** Two sending threads (the machine's two cores), sessions shared: the service's concurrency is part of the figure. */
    @Benchmark
    @Threads(2)
    public Object sendTwoThreads(Deliveries counter) {
        return sendOne(counter);
    }

    private Object sendOne(Deliveries counter) {
        long n = clientIds.incrementAndGet();
        int i = (int) (n % sessions);
        long[] mine = delivered.get();
        long before = mine[0];
        Object r = chat.send(ids[i], senders[i], MessageId.of(Long.toString(n, 36)), "hello there");
        counter.deliveries += mine[0] - before;
        return r;
    }
}
