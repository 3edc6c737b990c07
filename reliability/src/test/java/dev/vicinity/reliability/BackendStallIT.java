package dev.vicinity.reliability;

import dev.vicinity.client.RawClient;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.examples.server.ServerConfig;
import dev.vicinity.examples.server.VicinityServer;
import dev.vicinity.core.UserId;
import dev.vicinity.testkit.TestServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stalled backend never freezes the node: the example server ({@code --backend postgres+redis},
 * in this JVM, {@code --backend-timeout 1s}) with
 * <ul>
 *   <li>its Redis (a private {@code redis-server} on a free port) paused with {@code CLIENT PAUSE}:
 *       a request touching presence answers {@code backend_unavailable} within the timeout (plus a
 *       margin for a shared machine), and {@code /health} answers 503 within 1 s, every time it is
 *       asked, and 200 again once Redis answers;</li>
 *   <li>its PostgreSQL behind a TCP proxy that stops forwarding (no answer, no reset): the same for
 *       a request touching the database, within twice the timeout (one bound for getting a pooled
 *       connection, one for the statement).</li>
 * </ul>
 */
class BackendStallIT {
    private static final Logger LOG = LoggerFactory.getLogger(BackendStallIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Room for a loaded 2-core machine on top of the timeout. */
    private static final Duration MARGIN = Duration.ofMillis(1500);

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String schema = "stall_it_" + run;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<RawClient> clients = new ArrayList<>();
    private VicinityServer server;
    private PrivateRedis redis;
    private StallableProxy proxy;

    @BeforeEach
    void require() {
        TestServers.requirePostgres();
        TestServers.requireRedis();
    }

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(RawClient::close);
        if (proxy != null) {
            proxy.resume();
        }
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
        try (Connection c = DriverManager.getConnection(TestServers.postgresJdbcUrl(), TestServers.postgresUser(),
                TestServers.postgresPassword()); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private VicinityServer start(String pgUrl, String redisUrl, String... more) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1",
                "--backend", "postgres+redis", "--node-id", "stall-" + run, "--pg-url", pgUrl,
                "--pg-user", TestServers.postgresUser(), "--pg-password", TestServers.postgresPassword(),
                "--pg-schema", schema, "--redis-url", redisUrl, "--redis-prefix", "stall-it-" + run,
                "--backend-timeout", TIMEOUT.toMillis() + "ms", "--cursor-secret", "stall-it-cursor-secret"));
        args.addAll(List.of(more));
        return VicinityServer.start(ServerConfig.parse(args.toArray(String[]::new), Map.of()), Clock.systemUTC());
    }

    private RawClient signIn(String user) throws Exception {
        RawClient c = RawClient.connect(server.port());
        clients.add(c);
        c.hello(user);
        return c;
    }

    /** GET /health; fails unless it answers within 1 s. */
    private HttpResponse<String> health() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "health"))
                .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("/health answer time").isLessThan(Duration.ofSeconds(1));
        return r;
    }

    /** Sends {@code request}; asserts it answers backend_unavailable within {@code bound} plus the margin. */
    private long answersUnavailable(RawClient c, ObjectNode request, Duration bound) throws Exception {
        long t0 = System.nanoTime();
        JsonNode r = c.call(request);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.path("code").asText()).as("answer %s", r).isEqualTo("backend_unavailable");
        assertThat(Duration.ofMillis(ms)).as("time to answer %s", request.path("type").asText())
                .isLessThan(bound.plus(MARGIN));
        return ms;
    }

    @Test
    void aPausedRedisAnswersBackendUnavailableWithinTheTimeoutAndHealthSays503() throws Exception {
        redis = PrivateRedis.start();
        server = start(TestServers.postgresJdbcUrl(), redis.uri());
        RawClient ann = signIn("ann-" + run);
        signIn("ben-" + run);
        assertThat(health().statusCode()).isEqualTo(200);

        RedisClient admin = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = admin.connect()) {
            c.sync().clientPause(6_000); // every client's commands wait 6 s (CLIENT PAUSE 6000 ALL)
            long pausedAt = System.nanoTime();
            ObjectNode profiles = frame("demo.profiles");
            profiles.putArray("users").add("ben-" + run);
            long ms = answersUnavailable(ann, profiles, TIMEOUT); // presence lookups go to Redis
            // A new connection's hello is answered backend_unavailable too (the socket stays open for a
            // retry), and a ping is still answered within the timeout.
            RawClient newcomer = RawClient.connect(server.port());
            clients.add(newcomer);
            answersUnavailable(newcomer, frame("hello").put("v", 1).put("token", "demo:cat-" + run)
                    .put("device", "phone"), TIMEOUT);
            long p0 = System.nanoTime();
            assertThat(ann.call(frame("ping")).path("type").asText()).isEqualTo("pong");
            assertThat(Duration.ofNanos(System.nanoTime() - p0)).isLessThan(TIMEOUT.plus(MARGIN));
            JsonNode down = await().atMost(TIMEOUT.plus(Duration.ofSeconds(1)).plus(MARGIN))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> ProtocolJson.read(health()), h -> "DOWN".equals(h.path("status").asText()));
            long downAfter = (System.nanoTime() - pausedAt) / 1_000_000;
            assertThat(down.path("presence").path("healthy").asBoolean()).isFalse();
            assertThat(health().statusCode()).isEqualTo(503);
            LOG.info("Redis paused: demo.profiles answered backend_unavailable in {} ms, /health DOWN after {} ms: {}",
                    ms, downAfter, down);
        } finally {
            admin.shutdown();
        }
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> health().statusCode() == 200); // the pause ends by itself
        ObjectNode profiles = frame("demo.profiles");
        profiles.putArray("users").add("ben-" + run);
        assertThat(ann.ok(profiles).path("profiles").get(0).path("online").asBoolean()).isTrue();
    }

    @Test
    void aStalledPostgresAnswersBackendUnavailableWithinTheTimeoutAndHealthSays503() throws Exception {
        proxy = new StallableProxy(TestServers.postgresPort());
        String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + TestServers.postgresDatabase();
        server = start(viaProxy, TestServers.redisUri());
        RawClient ann = signIn("ann-" + run);
        ann.ok(frame("geo.location").put("lat", 52.52).put("lon", 13.405).put("source", "manual"));
        assertThat(health().statusCode()).isEqualTo(200);

        proxy.stall();
        long stalledAt = System.nanoTime();
        // One bound for getting a pooled connection (a stalled one fails its validation), one for the
        // statement (the socket timeout): at most twice the backend timeout.
        Duration twice = TIMEOUT.multipliedBy(2);
        long ms = answersUnavailable(ann, frame("geo.location").put("lat", 52.521).put("lon", 13.406)
                .put("source", "manual"), twice);
        JsonNode down = await().atMost(TIMEOUT.plus(Duration.ofSeconds(1)).plus(MARGIN))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> ProtocolJson.read(health()), h -> "DOWN".equals(h.path("status").asText()));
        long downAfter = (System.nanoTime() - stalledAt) / 1_000_000;
        assertThat(down.path("store").path("healthy").asBoolean()).isFalse();
        long second = answersUnavailable(ann, frame("rating.summary").put("user", "ann-" + run), twice);
        LOG.info("PostgreSQL stalled: geo.location answered backend_unavailable in {} ms, rating.summary in {} ms,"
                + " /health DOWN after {} ms: {}", ms, second, downAfter, down);

        proxy.resume();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> health().statusCode() == 200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                "ok".equals(ann.call(frame("geo.location").put("lat", 52.522).put("lon", 13.407)
                        .put("source", "manual")).path("type").asText()));
    }

    /**
     * A PostgreSQL stall longer than lease TTL + offline grace (6 s + 1 s here) while two users chat:
     * their requests touching PostgreSQL answer backend_unavailable, their pings are still answered,
     * the node keeps renewing their leases (presence is in Redis, on a maintenance thread of its own),
     * so nobody goes offline and the chat does not end; afterwards it carries on.
     */
    @Test
    void aPostgresStallLongerThanLeaseTtlAndGraceDoesNotEndALiveChat() throws Exception {
        proxy = new StallableProxy(TestServers.postgresPort());
        String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + TestServers.postgresDatabase();
        server = start(viaProxy, TestServers.redisUri(), "--lease-ttl", "6", "--offline-grace", "1", "--heartbeat", "2");
        RawClient ann = signIn("ann-" + run);
        RawClient ben = signIn("ben-" + run);
        ObjectNode invite = frame("chat.invite");
        invite.putArray("to").add("ben-" + run);
        String s = ann.ok(invite).path("session").asText();
        ben.ok(frame("chat.accept").put("session", s));
        ann.ok(frame("chat.send").put("session", s).put("clientId", "a1").put("text", "before"));

        proxy.stall();
        long stalledAt = System.nanoTime();
        answersUnavailable(ann, frame("chat.send").put("session", s).put("clientId", "a2").put("text", "during"),
                TIMEOUT.multipliedBy(2));
        // 10 s of stall, both clients pinging about once a second (heartbeatSeconds 2).
        await().atMost(Duration.ofSeconds(25)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).until(() -> {
            assertThat(ann.call(frame("ping")).path("type").asText()).isEqualTo("pong");
            assertThat(ben.call(frame("ping")).path("type").asText()).isEqualTo("pong");
            return System.nanoTime() - stalledAt > Duration.ofSeconds(10).toNanos();
        });
        assertThat(server.node().presence().isOnline(UserId.of("ann-" + run))).isTrue();
        assertThat(server.node().presence().isOnline(UserId.of("ben-" + run))).isTrue();
        proxy.resume();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() ->
                "ok".equals(ann.call(frame("chat.send").put("session", s).put("clientId", "a3").put("text", "after"))
                        .path("type").asText()));
        ben.await(f -> "chat.message".equals(f.path("type").asText()) && "after".equals(f.path("text").asText()));
        assertThat(ben.frames()).noneMatch(f -> "chat.session".equals(f.path("type").asText())
                && "ENDED".equals(f.path("state").asText()));
        assertThat(ann.frames()).noneMatch(f -> "chat.session".equals(f.path("type").asText())
                && "ENDED".equals(f.path("state").asText()));
    }

    /** JSON of a health answer. */
    private static final class ProtocolJson {
        static JsonNode read(HttpResponse<String> r) throws Exception {
            return RawClient.JSON.readTree(r.body());
        }
    }
}
