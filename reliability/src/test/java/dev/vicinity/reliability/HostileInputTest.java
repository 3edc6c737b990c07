package dev.vicinity.reliability;

import dev.vicinity.client.RawClient;

import static org.awaitility.Awaitility.await;
import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.examples.server.ServerConfig;
import dev.vicinity.examples.server.VicinityServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hostile input through a real WebSocket client (the JDK's) against the example server started in
 * this JVM on a free loopback port with the in-memory backend. Every malformed, wrongly typed,
 * oversized, flooding, unknown or replayed frame gets the error code or close code that
 * docs/protocol.md documents; a well-behaved user's ping round trip stays fast while attackers hammer
 * the server.
 */
class HostileInputTest {
    private static final Logger LOG = LoggerFactory.getLogger(HostileInputTest.class);
    private static VicinityServer server;

    @BeforeAll
    static void start() {
        server = VicinityServer.start(ServerConfig.parse(new String[] {"--port", "0", "--host", "127.0.0.1",
            "--backend", "memory", "--node-id", "hostile"}, Map.of()), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static RawClient connect() throws Exception {
        return RawClient.connect(server.port());
    }

    /** The next unsolicited error frame ({@code re: null}) after {@code index} frames already seen. */
    private static JsonNode nextError(RawClient c, int seen) throws InterruptedException {
        c.await(f -> c.frames().size() > seen);
        return c.frames().get(seen);
    }

    private static String rawError(RawClient c, String text) throws Exception {
        int seen = c.frames().size();
        c.sendRaw(text);
        JsonNode e = nextError(c, seen);
        assertThat(e.path("type").asText()).as("answer to %s", abbreviate(text)).isEqualTo("error");
        assertThat(e.get("re").isNull()).as("re of %s", e).isTrue();
        return e.path("code").asText();
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…(" + s.length() + " chars)" : s;
    }

    @Test
    void malformedJsonIsAnsweredWithMalformedFrameAndTheConnectionKeepsWorking() throws Exception {
        try (RawClient c = connect()) {
            c.hello("mal");
            assertThat(rawError(c, "{not json")).isEqualTo("malformed_frame");
            assertThat(rawError(c, "")).isEqualTo("malformed_frame");
            assertThat(rawError(c, "[1,2,3]")).isEqualTo("malformed_frame");
            assertThat(rawError(c, "\"just a string\"")).isEqualTo("malformed_frame");
            assertThat(rawError(c, "{\"type\":\"ping\",\"id\":\"1\"")).isEqualTo("malformed_frame"); // truncated
            assertThat(rawError(c, "{\"a\":".repeat(100) + "1" + "}".repeat(100))).isEqualTo("malformed_frame");
            assertThat(rawError(c, "\u0000\u0001\uFFFF")).isEqualTo("malformed_frame");
            assertThat(rawError(c, "{\"type\":\"ping\"}")).isEqualTo("missing_id");
            assertThat(rawError(c, "{\"type\":\"ping\",\"id\":\"" + "x".repeat(65) + "\"}")).isEqualTo("missing_id");
            assertThat(rawError(c, "{\"type\":\"ping\",\"id\":7}")).isEqualTo("missing_id");
            // a valid request still works afterwards
            assertThat(c.call(frame("ping")).path("type").asText()).isEqualTo("pong");
            assertThat(c.closed()).isNotDone();
        }
    }

    @Test
    void wrongTypesAndUnknownTypesAreRefusedWithTheirCodes() throws Exception {
        try (RawClient c = connect()) {
            assertThat(c.errorOf(frame("geo.nearby").put("radius", 1000).put("limit", 5))).isEqualTo("not_authenticated");
            assertThat(c.errorOf(frame("hello").put("v", "1").put("token", "demo:typ").put("device", "phone")))
                    .isEqualTo("unsupported_version"); // a string "1" is not the integer 1
            assertThat(c.errorOf(frame("hello").put("v", 2).put("token", "demo:typ").put("device", "phone")))
                    .isEqualTo("unsupported_version");
            assertThat(c.errorOf(frame("hello").put("v", 1).put("token", 42).put("device", "phone")))
                    .isEqualTo("invalid_field");
            c.hello("typ");
            assertThat(c.errorOf(frame("hello").put("v", 1).put("token", "demo:typ").put("device", "phone")))
                    .isEqualTo("already_authenticated");
            assertThat(c.errorOf(frame("admin.shutdown"))).isEqualTo("unknown_type");
            assertThat(c.errorOf(frame("__proto__"))).isEqualTo("unknown_type");
            ObjectNode numericType = RawClient.JSON.createObjectNode().put("type", 5);
            assertThat(c.errorOf(numericType)).isEqualTo("unknown_type");
            assertThat(c.errorOf(frame("geo.nearby").put("radius", "far").put("limit", 5))).isEqualTo("invalid_field");
            assertThat(c.errorOf(frame("geo.nearby").put("radius", 1000).put("limit", 100_000))).isEqualTo("invalid_field");
            assertThat(c.errorOf(frame("chat.send").put("session", "not a session id!").put("clientId", "c").put("text", "x")))
                    .isEqualTo("invalid_id"); // an id field that is not a valid id
            ObjectNode arrayText = frame("chat.send").put("session", "x").put("clientId", "c");
            arrayText.putArray("text").add("a");
            assertThat(c.errorOf(arrayText)).isEqualTo("invalid_field");
            assertThat(c.errorOf(frame("rating.submit").put("session", "s").put("ratee", "bob").put("stars", "five")))
                    .isEqualTo("invalid_field");
            assertThat(c.call(frame("ping")).path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void invalidCoordinatesAreRefusedAndNothingIsStored() throws Exception {
        try (RawClient c = connect()) {
            c.hello("coords");
            assertThat(c.errorOf(frame("geo.location").put("lat", "NaN").put("lon", 13.4))).isEqualTo("invalid_field");
            assertThat(c.errorOf(frame("geo.location").put("lat", "52.52").put("lon", "13.4"))).isEqualTo("invalid_field");
            assertThat(c.errorOf(frame("geo.location").put("lat", 1e308).put("lon", 13.4))).isEqualTo("invalid_coordinates");
            assertThat(c.errorOf(frame("geo.location").put("lat", 52.52).put("lon", -1e308))).isEqualTo("invalid_coordinates");
            assertThat(c.errorOf(frame("geo.location").put("lat", 90.5).put("lon", 13.4))).isEqualTo("invalid_coordinates");
            assertThat(c.errorOf(frame("geo.location").put("lat", 52.52).put("lon", 180.01))).isEqualTo("invalid_coordinates");
            assertThat(c.errorOf(frame("geo.location").put("lat", 52.52))).isEqualTo("invalid_field");
            assertThat(c.errorOf(frame("geo.location").put("lat", 52.52).put("lon", 13.4).put("accuracy", -5)))
                    .isEqualTo("invalid_accuracy");
            assertThat(c.errorOf(frame("geo.location").put("lat", 52.52).put("lon", 13.4)
                    .put("at", System.currentTimeMillis() + 3_600_000))).isEqualTo("future_timestamp");
            // A bare NaN / Infinity literal is not JSON at all.
            assertThat(rawError(c, "{\"type\":\"geo.location\",\"id\":\"n\",\"lat\":NaN,\"lon\":13.4}")).isEqualTo("malformed_frame");
            assertThat(rawError(c, "{\"type\":\"geo.location\",\"id\":\"i\",\"lat\":Infinity,\"lon\":1}")).isEqualTo("malformed_frame");
            // Nothing was stored: the user still has no usable location.
            assertThat(c.errorOf(frame("geo.nearby").put("radius", 1000).put("limit", 5))).isEqualTo("location_required");
        }
    }

    @Test
    void aFrameOverTheLimitIsRefusedAndOneFarBeyondItClosesTheSocket() throws Exception {
        try (RawClient c = connect()) {
            c.hello("huge");
            String justOver = "{\"type\":\"chat.send\",\"id\":\"h\",\"session\":\"x\",\"clientId\":\"c\",\"text\":\""
                    + "a".repeat(17 * 1024) + "\"}";
            assertThat(rawError(c, justOver)).isEqualTo("frame_too_large");
            assertThat(c.call(frame("ping")).path("type").asText()).isEqualTo("pong");
        }
        try (RawClient c = connect()) {
            c.hello("huger");
            // 4 MiB: beyond what the WebSocket server buffers for one message; the socket is closed
            // (1009 message too big) before the gateway ever sees it, or answered frame_too_large.
            String farBeyond = "{\"type\":\"ping\",\"id\":\"f\",\"pad\":\"" + "b".repeat(4 << 20) + "\"}";
            int seen = c.frames().size();
            try {
                c.sendRaw(farBeyond);
            } catch (Exception e) {
                LOG.info("sending 4 MiB failed on the client side: {}", e.toString());
            }
            RawClient.Close close = c.awaitClose();
            LOG.info("4 MiB frame: close {} {}, frames {}", close.status(), close.reason(),
                    c.frames().subList(seen, c.frames().size()));
            // 1009 when the close frame reaches the client; 1006 when Jetty's close races the client's
            // still-running 4 MiB write and the client sees the reset first. Either way the server cut it.
            assertThat(close.status()).isIn(1009, 1006);
        }
        try (RawClient other = connect()) {
            assertThat(other.call(frame("ping")).path("type").asText()).as("the server keeps serving").isEqualTo("pong");
        }
    }

    @Test
    void binaryFramesAreRefused() throws Exception {
        try (RawClient c = connect()) {
            c.hello("bin");
            int seen = c.frames().size();
            c.sendBinary(new byte[] {1, 2, 3});
            assertThat(nextError(c, seen).path("code").asText()).isEqualTo("binary_not_supported");
            assertThat(c.call(frame("ping")).path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void aFloodIsRateLimitedAndTwentyConsecutiveBadFramesCloseWith4202() throws Exception {
        try (RawClient c = connect()) {
            c.hello("flood");
            for (int i = 0; i < 300 && !c.closed().isDone(); i++) {
                try {
                    c.sendRaw("{\"type\":\"ping\",\"id\":\"f" + i + "\"}");
                } catch (Exception e) {
                    break; // the server closed the socket under our feet
                }
            }
            RawClient.Close close = c.awaitClose();
            assertThat(close.status()).isEqualTo(4202);
            assertThat(close.reason()).isEqualTo("protocol_violation");
            List<JsonNode> replies = c.frames();
            assertThat(replies).anyMatch(f -> "rate_limited".equals(f.path("code").asText()));
            // Every rate_limited answer says when to retry (docs/protocol.md); no other error does.
            assertThat(replies).filteredOn(f -> "error".equals(f.path("type").asText())).allSatisfy(f ->
                    assertThat(f.has("retryAfterMs")).as("retryAfterMs on %s", f)
                            .isEqualTo("rate_limited".equals(f.path("code").asText())));
            assertThat(replies).filteredOn(f -> "rate_limited".equals(f.path("code").asText()))
                    .allSatisfy(f -> assertThat(f.path("retryAfterMs").asLong()).isPositive());
            long pongs = replies.stream().filter(f -> "pong".equals(f.path("type").asText())).count();
            assertThat(pongs).as("the burst is served").isBetween(20L, 120L);
        }
        try (RawClient c = connect()) {
            c.hello("garbage");
            for (int i = 0; i < 25 && !c.closed().isDone(); i++) {
                try {
                    c.sendRaw("garbage " + i);
                } catch (Exception e) {
                    break;
                }
            }
            RawClient.Close close = c.awaitClose();
            assertThat(close.status()).isEqualTo(4202);
            assertThat(c.frames().stream().filter(f -> "malformed_frame".equals(f.path("code").asText())).count())
                    .isEqualTo(20);
        }
    }

    @Test
    void aReplayedResumeTokenIsRefusedAndTheSocketStaysOpenForHello() throws Exception {
        String token;
        try (RawClient c = connect()) {
            token = c.hello("replay").path("resume").asText();
        } // cut without a close frame: detached, resumable
        assertThat(token).isNotEmpty();
        try (RawClient c = connect()) {
            // the server may take a moment to notice the cut
            JsonNode r = await().atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(50))
                    .until(() -> c.call(frame("resume").put("v", 1).put("resume", token)),
                            reply -> "resumed".equals(reply.path("type").asText()));
            assertThat(r.path("type").asText()).isEqualTo("resumed");
            assertThat(r.path("resume").asText()).isNotEqualTo(token);
            for (String forged : List.of(token, "AAAA" + token.substring(4))) {
                try (RawClient thief = connect()) {
                    JsonNode refused = thief.call(frame("resume").put("v", 1).put("resume", forged));
                    assertThat(refused.path("code").asText()).isEqualTo("resume_expired");
                    assertThat(thief.awaitClose().status()).isEqualTo(4101);
                }
            }
            try (RawClient thief = connect()) {
                assertThat(thief.call(frame("resume").put("v", 1).put("resume", "x".repeat(5000))).path("code").asText())
                        .isEqualTo("invalid_field"); // longer than any token: a strike, the socket stays
                assertThat(thief.closed()).isNotDone();
                assertThat(thief.hello("thief").path("user").asText()).isEqualTo("thief");
            }
            assertThat(c.call(frame("ping")).path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void unknownAndForeignSessionIdsAreRefused() throws Exception {
        try (RawClient alice = connect(); RawClient bob = connect(); RawClient mallory = connect()) {
            alice.hello("alice-h");
            bob.hello("bob-h");
            mallory.hello("mallory-h");
            ObjectNode invite = frame("chat.invite");
            invite.putArray("to").add("bob-h");
            String s = alice.ok(invite).path("session").asText();
            bob.ok(frame("chat.accept").put("session", s));
            alice.ok(frame("chat.send").put("session", s).put("clientId", "a1").put("text", "secret"));
            assertThat(mallory.errorOf(frame("chat.send").put("session", s).put("clientId", "m").put("text", "x")))
                    .isEqualTo("not_participant");
            assertThat(mallory.errorOf(frame("chat.history").put("session", s).put("after", 0).put("limit", 50)))
                    .isEqualTo("not_participant");
            String unknown = "0195" + s.substring(4).replaceAll("[0-9a-f]", "0");
            assertThat(mallory.errorOf(frame("chat.history").put("session", unknown).put("after", 0).put("limit", 50)))
                    .isEqualTo("unknown_session");
            assertThat(mallory.frames()).noneMatch(f -> f.toString().contains("secret"));
        }
    }

    /** Sequential ping round trips of one well-behaved user, in nanoseconds, sorted. */
    private static long[] pingLatencies(RawClient c, int n) throws Exception {
        long[] out = new long[n];
        int[] i = {0};
        // A well-behaved client: one ping every 50 ms, under the per-user frame rate limit (20/s).
        Traffic pings = Traffic.start("pings", () -> {
            long t0 = System.nanoTime();
            JsonNode r = c.call(frame("ping"));
            out[i[0]++] = System.nanoTime() - t0;
            assertThat(r.path("type").asText()).isEqualTo("pong");
            return i[0] < n ? Duration.ofMillis(50) : null;
        });
        pings.done().get(60, TimeUnit.SECONDS);
        Arrays.sort(out);
        return out;
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    @Test
    void aWellBehavedUsersLatencyStaysLowDuringTheAttack() throws Exception {
        try (RawClient good = connect()) {
            good.hello("good");
            pingLatencies(good, 10); // warm up
            long[] before = pingLatencies(good, 100);

            AtomicLong attackFrames = new AtomicLong();
            String[] junk = {"{not json", "[]", "{\"type\":\"nope\",\"id\":\"1\"}", "{\"type\":\"ping\"}",
                "{\"type\":\"geo.location\",\"id\":\"g\",\"lat\":\"NaN\",\"lon\":1e308}",
                "{\"type\":\"chat.send\",\"id\":\"s\",\"session\":\"x\",\"clientId\":\"c\",\"text\":\"" + "z".repeat(20_000) + "\"}",
                "{\"type\":\"resume\",\"id\":\"r\",\"v\":1,\"resume\":\"stolen\"}", "{\"type\":\"ping\",\"id\":\"p\"}"};
            List<Traffic> attackers = new ArrayList<>();
            List<RawClient> attackerClients = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int a = 0; a < 4; a++) {
                int attacker = a;
                RawClient[] bad = {null};
                int[] k = {0};
                // ~1,000 frames/s per attacker, 50x the per-user rate limit: a flood, but one whose client
                // threads do not starve this JVM's 2 shared cores of the server. Reconnects when closed.
                attackers.add(Traffic.start("attacker" + a, () -> {
                    try {
                        if (bad[0] == null || bad[0].closed().isDone()) {
                            bad[0] = connect();
                            attackerClients.add(bad[0]);
                            if (attacker % 2 == 0) {
                                // Refused with rate_limited once the attacker's frame budget is spent:
                                // it outlives the connection, so reconnecting does not refill it.
                                bad[0].call(RawClient.frame("hello").put("v", 1).put("token", "demo:attacker" + attacker)
                                        .put("device", "phone"));
                            }
                        }
                        bad[0].sendRaw(junk[k[0]++ % junk.length]);
                        attackFrames.incrementAndGet();
                    } catch (Exception e) {
                        bad[0] = null; // closed by the server mid-send: reconnect and go on
                    }
                    return Duration.ofMillis(1);
                }));
            }

            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> attackFrames.get() >= 200); // the attack is on
            long[] during = pingLatencies(good, 100);
            for (Traffic t : attackers) {
                t.close();
            }
            for (Traffic t : attackers) {
                t.done().get(30, TimeUnit.SECONDS);
            }
            attackerClients.forEach(RawClient::close);
            double bound = Math.max(50, 5 * ms(before, 0.99));
            String report = String.format("ping p50/p99 before %.2f/%.2f ms, during attack %.2f/%.2f ms "
                    + "(%d attack frames), bound p99 < %.1f ms", ms(before, 0.5), ms(before, 0.99),
                    ms(during, 0.5), ms(during, 0.99), attackFrames.get(), bound);
            LOG.info(report);
            assertThat(ms(during, 0.99)).as(report).isLessThan(bound);
            assertThat(attackFrames.get()).as("the attack ran").isGreaterThan(200);
            assertThat(good.closed()).isNotDone();
        }
    }
}
