package dev.vicinity.reliability;

import dev.vicinity.client.RawClient;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.testkit.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durability of the embedded backend against a process crash: the example server
 * ({@code java -jar vicinity-server.jar --backend embedded}, an H2GIS file database in a data
 * directory of this run) is killed with {@code kill -9} ({@link Process#destroyForcibly()}) right
 * after it acknowledged a message, while two users chat (~8 messages/s together) and a third pair
 * submits sealed ratings of ended sessions, and restarted on the same data directory; three rounds.
 * After every restart every message acknowledged in any round is in history under the sequence the
 * client was told, every acknowledged rating is still there (a second submit answers
 * {@code already_rated}), and the next message gets a sequence above every one a client holds (no
 * sequence is handed out twice).
 */
class EmbeddedCrashIT {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCrashIT.class);
    private static final Path JAR = Path.of("..", "examples", "server", "target", "vicinity-server.jar");
    private static final Pattern URL = Pattern.compile("open http://localhost:(\\d+)/");
    private static final int ROUNDS = 3;
    private static final int ENDED_SESSIONS = 10;

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Path dataDir = Path.of("target", "embedded-crash-" + run).toAbsolutePath();
    private final List<RawClient> clients = new CopyOnWriteArrayList<>();
    private Process server;
    private int starts;

    /** One chat of a round: the session and what each side was told (client id → seq). */
    record Chat(String session, String userA, String userB, Map<String, Long> acked) {}

    /** One acknowledged rating. */
    record Rating(String session, String rater, String ratee) {}

    @BeforeEach
    void requireJar() {
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
        if (server != null) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        if (Files.isDirectory(dataDir)) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private int startServer() throws Exception {
        Path log = Path.of("target", "embedded-crash-" + run + "-" + (++starts) + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", JAR.toString(), "--port", "0", "--host", "127.0.0.1", "--backend", "embedded",
                "--data-dir", dataDir.toString(), "--node-id", "crash-" + run)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Process p = server;
        Matcher started = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("server exited: " + Files.readString(log));
                    }
                    return URL.matcher(Files.readString(log));
                }, Matcher::find);
        return Integer.parseInt(started.group(1));
    }

    private RawClient signIn(int port, String user) throws Exception {
        RawClient c = RawClient.connect(port);
        clients.add(c);
        c.hello(user);
        return c;
    }

    private static String openSession(RawClient inviter, RawClient invitee, String inviteeUser) throws Exception {
        ObjectNode invite = frame("chat.invite");
        invite.putArray("to").add(inviteeUser);
        String s = inviter.ok(invite).path("session").asText();
        invitee.ok(frame("chat.accept").put("session", s));
        return s;
    }

    /** Sends a message every 250 ms (under the 5/s chat rate limit), recording each acknowledgement; counts every ok in {@code oks}. */
    private static Traffic chatter(RawClient c, String user, String session, Map<String, Long> acked,
                                   AtomicInteger oks, int killAfter, CompletableFuture<Void> kill) {
        int[] n = {0};
        return Traffic.start(user, () -> {
            String clientId = user + "-m" + n[0]++;
            JsonNode r;
            try {
                r = c.call(frame("chat.send").put("session", session).put("clientId", clientId).put("text", "hi " + n[0]));
            } catch (Exception gone) {
                return null; // the server was killed
            }
            if ("ok".equals(r.path("type").asText())) {
                acked.put(clientId, r.path("seq").asLong());
                if (oks.incrementAndGet() >= killAfter) {
                    kill.complete(null);
                }
            }
            return Duration.ofMillis(250);
        });
    }

    @Test
    void everyAcknowledgedMessageAndRatingSurvivesKillMinus9AndNoSequenceIsReused() throws Exception {
        List<Chat> chats = new ArrayList<>();
        List<Rating> ratings = new CopyOnWriteArrayList<>();
        int port = startServer();
        for (int round = 1; round <= ROUNDS; round++) {
            String a = "a" + round + "-" + run;
            String b = "b" + round + "-" + run;
            String c = "c" + round + "-" + run;
            String d = "d" + round + "-" + run;
            RawClient ca = signIn(port, a);
            RawClient cb = signIn(port, b);
            RawClient cc = signIn(port, c);
            RawClient cd = signIn(port, d);
            Chat chat = new Chat(openSession(ca, cb, b), a, b, new ConcurrentHashMap<>());
            chats.add(chat);
            // Ended sessions of c and d, rated while the chat goes on: every rating stays sealed until
            // the other side rates, so half of them are sealed at the crash.
            List<String> ended = new ArrayList<>();
            for (int i = 0; i < ENDED_SESSIONS; i++) {
                String s = openSession(cc, cd, d);
                cc.ok(frame("chat.leave").put("session", s));
                ended.add(s);
            }
            AtomicInteger oks = new AtomicInteger();
            CompletableFuture<Void> kill = new CompletableFuture<>();
            int killAfter = 25 + 10 * round;
            List<Traffic> traffic = new ArrayList<>();
            traffic.add(chatter(ca, a, chat.session(), chat.acked(), oks, killAfter, kill));
            traffic.add(chatter(cb, b, chat.session(), chat.acked(), oks, killAfter, kill));
            int[] next = {0};
            traffic.add(Traffic.start(c + "-rates", () -> {
                if (next[0] >= 2 * ENDED_SESSIONS) {
                    return null;
                }
                int i = next[0]++;
                String s = ended.get(i / 2);
                boolean byC = i % 2 == 0;
                Rating rating = new Rating(s, byC ? c : d, byC ? d : c);
                JsonNode r;
                try {
                    r = (byC ? cc : cd).call(frame("rating.submit").put("session", s).put("ratee", rating.ratee())
                            .put("stars", 1 + i % 5));
                } catch (Exception gone) {
                    return null;
                }
                assertThat(r.path("type").asText()).as("rating %s", r).isEqualTo("ok");
                ratings.add(rating);
                return Duration.ofMillis(350); // 20 ratings take ~7 s: still going when the server is killed
            }));
            kill.get(60, TimeUnit.SECONDS);
            server.destroyForcibly(); // kill -9 right after an acknowledgement
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            for (Traffic t : traffic) {
                t.close();
            }
            for (Traffic t : traffic) {
                t.done().get(30, TimeUnit.SECONDS);
            }
            clients.forEach(RawClient::close);
            clients.clear();
            LOG.info("round {}: killed after {} acknowledged messages and {} ratings so far", round,
                    chat.acked().size(), ratings.size());

            port = startServer();
            verify(port, chats, ratings);
        }
    }

    /** Every acknowledged message and rating is there; a new message gets the next unused sequence. */
    private void verify(int port, List<Chat> chats, List<Rating> ratings) throws Exception {
        Map<String, RawClient> byUser = new HashMap<>();
        for (Chat chat : chats) {
            RawClient a = byUser.computeIfAbsent(chat.userA(), u -> uncheckedSignIn(port, u));
            Map<String, Long> stored = new HashMap<>();
            long after = 0;
            while (true) {
                JsonNode h = a.ok(frame("chat.history").put("session", chat.session()).put("after", after).put("limit", 200));
                for (JsonNode m : h.path("messages")) {
                    stored.put(m.path("clientId").asText(), m.path("seq").asLong());
                    after = m.path("seq").asLong();
                }
                if (h.path("messages").size() < 200) {
                    break;
                }
            }
            Map<String, Long> lost = new HashMap<>(chat.acked());
            lost.keySet().removeAll(stored.keySet());
            assertThat(lost).as("acknowledged messages of %s lost by the crash", chat.session()).isEmpty();
            assertThat(stored).as("each under the sequence its sender was told").containsAllEntriesOf(chat.acked());
            long held = chat.acked().values().stream().mapToLong(Long::longValue).max().orElse(0);
            JsonNode next = a.ok(frame("chat.send").put("session", chat.session())
                    .put("clientId", "after-restart-" + starts).put("text", "after the crash"));
            assertThat(next.path("seq").asLong()).as("a new message reuses no sequence a client holds")
                    .isGreaterThan(held).isEqualTo(after + 1);
            chat.acked().put("after-restart-" + starts, next.path("seq").asLong());
        }
        for (Rating r : ratings) {
            RawClient rater = byUser.computeIfAbsent(r.rater(), u -> uncheckedSignIn(port, u));
            JsonNode again = rater.call(frame("rating.submit").put("session", r.session()).put("ratee", r.ratee())
                    .put("stars", 3));
            assertThat(again.path("code").asText()).as("acknowledged rating %s survives the crash: %s", r, again)
                    .isEqualTo("already_rated");
        }
        LOG.info("after restart {}: {} chats ({} acknowledged messages) and {} ratings all present", starts,
                chats.size(), chats.stream().mapToInt(ch -> ch.acked().size()).sum(), ratings.size());
        clients.forEach(RawClient::close);
        clients.clear();
    }

    private RawClient uncheckedSignIn(int port, String user) {
        try {
            return signIn(port, user);
        } catch (Exception e) {
            throw new AssertionError("sign-in of " + user + " failed", e);
        }
    }
}
