package dev.vicinity.bench.h2gis;

import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.h2gis.H2gisVicinity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
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

/**
 * The price of durable commits on the embedded backend: single-transaction writes into an H2GIS
 * <em>file</em> database (in {@code java.io.tmpdir}) with every commit written to the file before it
 * returns ({@code flush}, the default: {@code WRITE_DELAY=0}) and with H2's own background write
 * ({@code delayed}: {@code flushOnCommit(false)}, {@code WRITE_DELAY} 500 ms, loses the last
 * commits on {@code kill -9}); {@code mem} (an in-memory database) is the floor. Measured: a chat
 * message append (what {@code chat.send} stores: counter increment + insert in one transaction; one
 * session per thread) and a single location upsert (one MERGE, auto-commit), two threads each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class H2gisDurableWriteBenchmark {
    @Param({"flush", "delayed", "mem"})
    public String commits;

    @Param({"10000"})
    public int users;

    private Path dir;
    private H2gisVicinity db;
    private GeoPoint[] moves;
    private Instant now;
    private final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String url;
        if (commits.equals("mem")) {
            url = "jdbc:h2:mem:bench-" + UUID.randomUUID();
        } else {
            dir = Files.createTempDirectory("vicinity-durable-bench");
            url = "jdbc:h2:file:" + dir.resolve("vicinity");
        }
        db = H2gisCity.load(H2gisVicinity.builder(url).flushOnCommit(!commits.equals("delayed"))
                .loadH2gisFunctions(false).maxConnections(8).build(), users, 42);
        moves = H2gisCity.points(1 << 14, 11);
        now = H2gisCity.T0.plusSeconds(60);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        db.close();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    /** Per-thread session, sender, message counter and random source. */
    @State(Scope.Thread)
    public static class Writer {
        SessionId session;
        UserId sender;
        long n;
        SplittableRandom rnd;

        @Setup(Level.Trial)
        public void setUp(H2gisDurableWriteBenchmark b) {
            int t = b.threads.incrementAndGet();
            session = SessionId.of(UUID.randomUUID().toString());
            sender = UserId.of("writer" + t);
            rnd = new SplittableRandom(t);
        }
    }

    /** One chat message appended: one transaction (counter row + message row). */
    @Benchmark
    @Threads(2)
    public long appendMessage(Writer w) {
        return db.messageStore().append(w.session, w.sender, MessageId.of("m" + w.n++), "hello there", now)
                .message().sequence();
    }

    /** One location update: one MERGE, auto-commit. */
    @Benchmark
    @Threads(2)
    public void upsertOne(Writer w) {
        db.proximityIndex().upsert(UserId.of("u" + w.rnd.nextInt(users)), moves[w.rnd.nextInt(moves.length)], now);
    }
}
