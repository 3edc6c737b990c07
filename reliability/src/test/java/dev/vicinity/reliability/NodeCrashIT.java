package dev.vicinity.reliability;

import dev.vicinity.client.RawClient;

import static org.awaitility.Awaitility.await;
import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.spi.Subscription;
import dev.vicinity.redis.RedisEventBus;
import dev.vicinity.redis.RedisPresenceStore;
import dev.vicinity.testkit.TestServers;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real node crash: two example-server <em>processes</em> ({@code java -jar vicinity-server.jar
 * --backend postgres+redis}, a schema and key prefix unique to the run, lease TTL 3 s, offline grace
 * 2 s) share the machine's PostgreSQL and Redis. Pairs of users, one on each node, chat in both
 * directions under load; node A is killed with {@code kill -9} ({@link Process#destroyForcibly()}).
 * An observer in this JVM (a {@link PresenceService} on the same Redis store and bus, never ticking)
 * sees every user of A go offline within TTL + grace (plus one maintenance tick and a margin for a
 * shared 2-core machine) with exactly one offline event each, and no user of B go offline. The
 * users of A then reconnect to node B: every acknowledged message of both sides is in history, each
 * exactly once and gap-free, and retrying the message in flight at the crash stores nothing twice.
 */
class NodeCrashIT {
    private static final Logger LOG = LoggerFactory.getLogger(NodeCrashIT.class);
    private static final Path JAR = Path.of("..", "examples", "server", "target", "vicinity-server.jar");
    private static final int LEASE_TTL_S = 3;
    private static final int GRACE_S = 2;
    private static final int PAIRS = 4;
    private static final Pattern URL = Pattern.compile("open http://localhost:(\\d+)/");

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String schema = "crash_it_" + run;
    private final String prefix = "crash-it-" + run;
    private final List<Process> processes = new ArrayList<>();
    private final List<RawClient> clients = new CopyOnWriteArrayList<>();
    private RedisClient observerRedis;
    private RedisEventBus observerBus;
    private PresenceService observer;

    @BeforeEach
    void require() {
        TestServers.requirePostgres();
        TestServers.requireRedis();
        if (!Files.isRegularFile(JAR)) {
            String why = JAR.toAbsolutePath().normalize() + " is missing: run mvn -pl examples/server -am package first";
            if (TestServers.inCi()) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(RawClient::close);
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (observer != null) {
            observer.close();
        }
        if (observerBus != null) {
            observerBus.close();
        }
        if (observerRedis != null) {
            try (StatefulRedisConnection<String, String> c = observerRedis.connect()) {
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                    if (!page.getKeys().isEmpty()) {
                        c.sync().del(page.getKeys().toArray(String[]::new));
                    }
                    cursor = page;
                } while (!cursor.isFinished());
            }
            observerRedis.shutdown();
        }
        try (Connection c = DriverManager.getConnection(TestServers.postgresJdbcUrl(), TestServers.postgresUser(),
                TestServers.postgresPassword()); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** Starts a server process and returns its port, read from its startup line. */
    private int startNode(String node) throws Exception {
        Path log = Path.of("target", "node-crash-" + node + ".log");
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", JAR.toString(), "--port", "0", "--host", "127.0.0.1", "--backend", "postgres+redis",
                "--node-id", node, "--pg-url", TestServers.postgresJdbcUrl(), "--pg-user", TestServers.postgresUser(),
                "--pg-password", TestServers.postgresPassword(), "--pg-schema", schema,
                "--redis-url", TestServers.redisUri(), "--redis-prefix", prefix,
                "--lease-ttl", String.valueOf(LEASE_TTL_S), "--offline-grace", String.valueOf(GRACE_S),
                "--cursor-secret", "node-crash-it-cursor-secret")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        // Wait for the child's startup line (or its death).
        Matcher started = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("node " + node + " exited: " + Files.readString(log));
                    }
                    return URL.matcher(Files.readString(log));
                }, Matcher::find);
        return Integer.parseInt(started.group(1));
    }

    /** One user of a pair: its socket, session, acknowledged messages and the one in flight. */
    static final class Side {
        final String user;
        final RawClient client;
        final Map<String, Long> acked = new ConcurrentHashMap<>();
        volatile String inFlight;
        volatile String resumeToken;
        volatile long lastSeq;

        Side(String user, RawClient client) {
            this.user = user;
            this.client = client;
        }
    }

    private RawClient connect(int port) throws Exception {
        RawClient c = RawClient.connect(port);
        clients.add(c);
        return c;
    }

    /**
     * Sends messages (and pings, which renew the lease) until stopped: a few messages per second, under
     * every rate limit; once the session is refused (it ends when the peer goes offline) only pings,
     * and after a refusal it backs off. Ends by itself when its node is gone. Never throws.
     */
    private static Traffic drive(Side side, String session) {
        int[] n = {0};
        boolean[] sending = {true};
        return Traffic.start(side.user, () -> {
            try {
                if (sending[0]) {
                    String clientId = side.user + "-m" + n[0];
                    side.inFlight = clientId;
                    JsonNode r = side.client.call(frame("chat.send").put("session", session)
                            .put("clientId", clientId).put("text", "message " + n[0]));
                    if ("error".equals(r.path("type").asText())) {
                        side.inFlight = null; // refused: stored nothing
                        if (!"rate_limited".equals(r.path("code").asText())) {
                            LOG.info("{} stops sending: {}", side.user, r.path("code").asText());
                            sending[0] = false;
                        }
                        return Duration.ofMillis(500); // back off
                    }
                    side.acked.put(clientId, r.path("seq").asLong());
                    side.inFlight = null;
                    n[0]++;
                }
                if (!sending[0] || n[0] % 4 == 0) {
                    side.client.ok(frame("ping"));
                }
                return Duration.ofMillis(sending[0] ? 100 : 500);
            } catch (Exception e) {
                LOG.info("{} lost its node: {}", side.user, e.toString());
                return null;
            }
        });
    }

    private static List<Long> seqsOf(RawClient c, String session) {
        return c.frames().stream().filter(f -> "chat.message".equals(f.path("type").asText())
                && session.equals(f.path("session").asText())).map(f -> f.path("seq").asLong()).toList();
    }

    @Test
    void everyUserOfAKilledNodeGoesOfflineOnceAndFindsEveryMessageOnTheOtherNode() throws Exception {
        int portA = startNode("crash-a-" + run);
        int portB = startNode("crash-b-" + run);

        observerRedis = RedisClient.create(TestServers.redisUri());
        StatefulRedisConnection<String, String> conn = observerRedis.connect();
        observerBus = RedisEventBus.builder(observerRedis).build();
        observer = PresenceService.builder(RedisPresenceStore.builder(conn).keyPrefix(prefix).build(),
                NodeId.of("observer-" + run)).eventBus(observerBus).build();
        Map<String, List<Long>> offlineAt = new ConcurrentHashMap<>();
        Subscription sub = observer.subscribe((PresenceChange c) -> {
            if (!c.online() && c.user().value().endsWith("-" + run)) {
                offlineAt.computeIfAbsent(c.user().value(), u -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
            }
        });

        List<Side> onA = new ArrayList<>();
        List<Side> onB = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            Side a = new Side("a" + i + "-" + run, connect(portA));
            Side b = new Side("b" + i + "-" + run, connect(portB));
            a.resumeToken = a.client.hello(a.user).path("resume").asText();
            b.client.hello(b.user);
            ObjectNode invite = frame("chat.invite");
            invite.putArray("to").add(b.user);
            String s = a.client.ok(invite).path("session").asText();
            b.client.await(f -> "chat.session".equals(f.path("type").asText())
                    && s.equals(f.path("session").asText()));
            b.client.ok(frame("chat.accept").put("session", s));
            onA.add(a);
            onB.add(b);
            sessions.add(s);
        }
        for (Side a : onA) {
            assertThat(observer.isOnline(dev.vicinity.core.UserId.of(a.user))).isTrue();
        }

        List<Traffic> running = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            running.add(drive(onA.get(i), sessions.get(i)));
            running.add(drive(onB.get(i), sessions.get(i)));
        }
        // Traffic before the crash: every user of both nodes has had messages acknowledged.
        await().atMost(Duration.ofSeconds(30)).until(() -> onA.stream().allMatch(a -> a.acked.size() >= 3)
                && onB.stream().allMatch(b -> b.acked.size() >= 3));

        long killedAt = System.nanoTime();
        processes.get(0).destroyForcibly(); // kill -9 of node A
        assertThat(processes.get(0).waitFor(10, TimeUnit.SECONDS)).isTrue();

        // Every user of A goes offline within TTL + grace (+ one tick and a margin on a shared machine).
        long bound = TimeUnit.SECONDS.toNanos(LEASE_TTL_S + GRACE_S + 4);
        await().atMost(Duration.ofNanos(bound).plusSeconds(10))
                .until(() -> onA.stream().allMatch(a -> offlineAt.containsKey(a.user)));
        // Exactly one offline each: no second event arrives for the next 2 s.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> offlineAt.values().stream().allMatch(events -> events.size() == 1));
        for (Traffic t : running) {
            t.close();
        }
        for (Traffic t : running) {
            t.done().get(30, TimeUnit.SECONDS);
        }

        List<String> timings = new ArrayList<>();
        for (Side a : onA) {
            List<Long> events = offlineAt.get(a.user);
            assertThat(events).as("offline events of %s", a.user).isNotNull().hasSize(1);
            long after = events.get(0) - killedAt;
            timings.add(a.user + "=" + TimeUnit.NANOSECONDS.toMillis(after) + "ms");
            assertThat(after).as("%s offline after kill (ns)", a.user).isLessThan(bound);
        }
        LOG.info("offline after kill -9 (TTL {} s + grace {} s): {}", LEASE_TTL_S, GRACE_S, timings);
        for (Side b : onB) {
            assertThat(offlineAt).as("users of the surviving node never flap").doesNotContainKey(b.user);
        }

        // A's users come back on node B: every acknowledged message is stored once, gap-free.
        for (int i = 0; i < PAIRS; i++) {
            Side a = onA.get(i);
            Side b = onB.get(i);
            String s = sessions.get(i);
            RawClient back = connect(portB);
            List<Long> before = seqsOf(a.client, s);
            ObjectNode resume = frame("resume").put("v", 1).put("resume", a.resumeToken);
            resume.putObject("chat").putObject("sessions").put(s, before.isEmpty() ? 0 : before.get(before.size() - 1));
            JsonNode r = back.call(resume);
            if ("resumed".equals(r.path("type").asText())) {
                JsonNode done = back.await(f -> "chat.resumed".equals(f.path("type").asText()));
                List<Long> all = new ArrayList<>(before);
                all.addAll(seqsOf(back, s));
                LOG.info("{} resumed on B: {} (saw {} before the crash, {} replayed)", a.user, done,
                        before.size(), seqsOf(back, s).size());
                assertThat(all).as("every message pushed to %s once, in order, across the crash", a.user)
                        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, all.size()).boxed().toList());
                assertThat(all).hasSize((int) done.path("top").asLong());
            } else {
                LOG.info("{} resume refused after going offline ({}), signs in again", a.user, r.path("code").asText());
                back.hello(a.user);
            }
            if (a.inFlight != null) {
                JsonNode retry = back.call(frame("chat.send").put("session", s).put("clientId", a.inFlight)
                        .put("text", "retry"));
                LOG.info("{} retried {} after the crash: {}", a.user, a.inFlight, retry);
            }
            JsonNode h = back.ok(frame("chat.history").put("session", s).put("after", 0).put("limit", 200));
            Map<String, Long> stored = new HashMap<>();
            List<Long> seqs = new ArrayList<>();
            for (JsonNode m : h.path("messages")) {
                assertThat(stored.put(m.path("clientId").asText(), m.path("seq").asLong()))
                        .as("%s stored twice", m.path("clientId").asText()).isNull();
                seqs.add(m.path("seq").asLong());
            }
            assertThat(h.path("complete").asBoolean(true)).isTrue();
            assertThat(seqs).as("gap-free, in order").isEqualTo(
                    java.util.stream.LongStream.rangeClosed(1, seqs.size()).boxed().toList());
            assertThat(stored).containsAllEntriesOf(a.acked).containsAllEntriesOf(b.acked);
            Set<String> unexplained = new HashSet<>(stored.keySet());
            unexplained.removeAll(a.acked.keySet());
            unexplained.removeAll(b.acked.keySet());
            if (a.inFlight != null) {
                unexplained.remove(a.inFlight);
            }
            if (b.inFlight != null) {
                unexplained.remove(b.inFlight);
            }
            assertThat(unexplained).as("stored but never sent").isEmpty();
            LOG.info("pair {}: {} messages stored ({} by {}, {} by {}), all acknowledged ones present once",
                    i, seqs.size(), a.acked.size(), a.user, b.acked.size(), b.user);
        }
        sub.close();
    }
}
