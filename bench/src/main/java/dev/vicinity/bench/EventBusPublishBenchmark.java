package dev.vicinity.bench;

import dev.vicinity.core.spi.Subscription;
import dev.vicinity.core.memory.InMemoryEventBus;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** In-process fan-out cost of {@link InMemoryEventBus}: one publish to N subscribers of a topic. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class EventBusPublishBenchmark {
    @Param({"1", "10"})
    public int subscribers;

    private InMemoryEventBus bus;
    private Subscription[] subs;
    private final byte[] payload = new byte[64];
    private Blackhole sink;

    @Setup
    public void setUp(Blackhole bh) {
        sink = bh;
        bus = new InMemoryEventBus();
        subs = new Subscription[subscribers];
        for (int i = 0; i < subscribers; i++) {
            subs[i] = bus.subscribe("topic", (t, p) -> sink.consume(p));
        }
    }

    @TearDown
    public void tearDown() {
        for (Subscription s : subs) {
            s.close();
        }
    }

    @Benchmark
    public void publish() {
        bus.publish("topic", payload);
    }
}
