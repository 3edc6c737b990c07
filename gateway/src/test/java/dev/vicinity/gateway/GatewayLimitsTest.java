package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.ConnectionState;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.FrameHandler;
import dev.vicinity.gateway.FrameModule;
import dev.vicinity.gateway.GatewayLimits;
import dev.vicinity.gateway.GatewayHarness.Client;
import dev.vicinity.gateway.GatewayHarness.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Limits and bad input at the gateway: every bad frame is answered, the connection survives where it may. */
class GatewayLimitsTest {
    private final GatewayHarness h = new GatewayHarness();

    private Client authenticated(Node n, String user) {
        Client c = n.connect(user);
        c.hello(user, "d");
        return c;
    }

    private static JsonNode last(Client c) {
        return c.transport.received.get(c.transport.received.size() - 1);
    }

    @Test
    void malformedOversizedUntypedAndUnknownFramesGetErrorsAndTheConnectionSurvives() {
        Node a = h.node("A");
        Client c = authenticated(a, "alice");
        c.raw("{not json");
        assertThat(last(c).get("code").asText()).isEqualTo("malformed_frame");
        assertThat(last(c).get("re").isNull()).isTrue();
        c.raw("[1,2,3]");
        assertThat(last(c).get("code").asText()).isEqualTo("malformed_frame");
        c.raw("{\"type\":\"ping\",\"id\":\"t1\"}{\"x\":1}");
        assertThat(last(c).get("code").asText()).as("trailing JSON after the frame").isEqualTo("malformed_frame");
        c.raw("{\"type\":\"ping\"}");
        assertThat(last(c).get("code").asText()).isEqualTo("missing_id");
        c.raw("{\"id\":\"x1\",\"type\":42}");
        assertThat(last(c).get("code").asText()).isEqualTo("unknown_type");
        assertThat(last(c).get("re").asText()).isEqualTo("x1");
        c.raw("{\"id\":\"x2\",\"type\":\"chat.explode\"}");
        assertThat(last(c).get("code").asText()).isEqualTo("unknown_type");
        c.raw("{\"id\":\"x3\",\"type\":\"chat.send\",\"text\":\"" + "a".repeat(20_000) + "\"}");
        assertThat(last(c).get("code").asText()).isEqualTo("frame_too_large");
        c.raw("{\"id\":\"x4\",\"type\":\"geo.location\",\"lat\":\"52.5\",\"lon\":13.4}");
        assertThat(last(c).get("code").asText()).isEqualTo("invalid_field");
        c.raw("{\"id\":\"x5\",\"type\":\"geo.location\",\"lat\":1e308,\"lon\":13.4}");
        assertThat(last(c).get("type").asText()).isEqualTo("error");
        c.raw("{\"id\":\"x6\",\"type\":\"geo.location\",\"lat\":91,\"lon\":13.4}");
        assertThat(last(c).get("code").asText()).isNotBlank();
        c.raw("[".repeat(100) + "]".repeat(100));
        assertThat(last(c).get("code").asText()).isEqualTo("malformed_frame");
        a.gateway.onBinary(c.connection);
        assertThat(last(c).get("code").asText()).isEqualTo("binary_not_supported");
        assertThat(c.request("ping").get("type").asText()).isEqualTo("pong");
        assertThat(c.transport.isClosed()).isFalse();
        assertThat(c.request("hello", "v", 1, "token", "valid:alice", "device", "d").get("code").asText())
                .isEqualTo("already_authenticated");
    }

    @Test
    void consecutiveBadFramesCloseTheConnectionWithProtocolViolation() {
        Node a = h.node("A");
        Client c = authenticated(a, "alice");
        for (int i = 0; i < 19; i++) {
            c.raw("garbage " + i);
        }
        assertThat(c.transport.isClosed()).isFalse();
        c.raw("garbage 20");
        assertThat(c.transport.closedWith).isEqualTo(4202);
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).isEmpty();
    }

    @Test
    void aFrameFloodIsRateLimitedPerUser() {
        h.limits = GatewayLimits.builder().frameRate(RateLimit.perSecond(5, 10)).maxStrikes(1000).build();
        Node a = h.node("A");
        Client c = authenticated(a, "alice");
        int limited = 0;
        for (int i = 0; i < 50; i++) {
            JsonNode r = c.request("ping");
            if ("rate_limited".equals(r.path("code").asText())) {
                limited++;
            }
        }
        assertThat(limited).isGreaterThanOrEqualTo(39);
        h.advance(java.time.Duration.ofSeconds(2), a);
        assertThat(c.request("ping").get("type").asText()).isEqualTo("pong");
    }

    @Test
    void aRateLimitedAnswerSaysWhenToRetry() {
        h.limits = GatewayLimits.builder().frameRate(RateLimit.perSecond(5, 10)).maxStrikes(1000).build();
        Node a = h.node("A");
        Client c = authenticated(a, "alice");
        JsonNode r = c.request("ping");
        for (int i = 0; i < 20 && !"rate_limited".equals(r.path("code").asText()); i++) {
            r = c.request("ping");
        }
        // The clock stands still: one token of a 5/s bucket is 200 ms away.
        assertThat(r.path("code").asText()).isEqualTo("rate_limited");
        assertThat(r.path("retryAfterMs").asLong()).isEqualTo(200);

        // A limit inside a module (chat invites: burst 10, then 10 per minute) carries it too.
        h.limits = GatewayLimits.defaults();
        Node b = h.node("B");
        Client spammer = authenticated(b, "spammer");
        JsonNode refused = null;
        for (int i = 0; i < 11; i++) {
            authenticated(b, "friend" + i);
            refused = spammer.request("chat.invite", "to", List.of("friend" + i));
        }
        assertThat(refused.path("code").asText()).isEqualTo("rate_limited");
        assertThat(refused.path("retryAfterMs").asLong()).isEqualTo(6_000);
        assertThat(refused.has("retryAfterMs")).isTrue();
        JsonNode other = spammer.request("chat.send", "session", "nope", "text", "x", "clientId", "c1");
        assertThat(other.path("code").asText()).isNotEqualTo("rate_limited");
        assertThat(other.has("retryAfterMs")).isFalse();
    }

    @Test
    void aSlowConsumerIsDetachedWithAResumableCodeInsteadOfBuffering() {
        h.limits = GatewayLimits.builder().maxOutboundInFlight(8).frameRate(RateLimit.perSecond(1000, 1000))
                .build();
        Node a = h.node("A");
        Client c = authenticated(a, "alice");
        c.transport.stalled = true;
        c.transport.clear();
        for (int i = 0; i < 20; i++) {
            c.raw("{\"id\":\"p" + i + "\",\"type\":\"ping\"}");
        }
        assertThat(c.transport.closedWith).isEqualTo(4002);
        assertThat(c.transport.closeReason).isEqualTo("slow_consumer");
        assertThat(c.transport.received).hasSizeLessThanOrEqualTo(8);
        assertThat(a.gateway.connections().connections()).extracting(i -> i.state())
                .containsExactly(ConnectionState.DETACHED);
    }

    @Test
    void aDeviceThatStopsReadingWhileAskingForLargeHistoryPagesIsDetachedByBytesNotFrames() {
        h.limits = GatewayLimits.builder().frameRate(RateLimit.perSecond(1000, 1000)).build();
        Node a = h.node("A");
        Client alice = authenticated(a, "alice");
        Client bob = authenticated(a, "bob");
        String s = alice.request("chat.invite", "to", java.util.List.of("bob")).get("session").asText();
        bob.request("chat.accept", "session", s);
        String big = "x".repeat(3_900);
        for (int i = 0; i < 200; i++) {
            alice.request("chat.send", "session", s, "clientId", "m" + i, "text", big);
        }
        // One history answer stays below the bound: pages are capped by text as well as count.
        JsonNode page = bob.request("chat.history", "session", s, "after", 0, "limit", 200);
        assertThat(page.get("messages").size()).isBetween(1, 40);
        assertThat(page.toString().length()).isLessThan(512 * 1024);

        // Bob's second device stops reading and keeps asking: ~200 KB per answer, 1 MiB bound.
        Client tablet = a.connect("bob-tablet");
        tablet.hello("bob", "tablet");
        tablet.transport.stalled = true;
        long maxQueued = 0;
        for (int i = 0; i < 50 && !tablet.transport.isClosed(); i++) {
            tablet.raw("{\"id\":\"h" + i + "\",\"type\":\"chat.history\",\"session\":\"" + s
                    + "\",\"after\":0,\"limit\":200}");
            maxQueued = Math.max(maxQueued, a.gateway.outboundBytes());
        }
        assertThat(tablet.transport.closedWith).isEqualTo(4002);
        assertThat(maxQueued).isLessThanOrEqualTo(GatewayLimits.defaults().maxOutboundBytes());
        // The phone that reads is untouched.
        assertThat(bob.request("ping").get("type").asText()).isEqualTo("pong");
    }

    @Test
    void reconnectingInALoopDoesNotRefillThePerUserFrameBudget() {
        Node a = h.node("A");
        int accepted = 0;
        for (int loop = 0; loop < 100; loop++) {
            Client c = a.connect("mallory-" + loop);
            if (!"welcome".equals(c.hello("mallory", "d" + (loop % 3)).get("type").asText())) {
                continue;
            }
            accepted++;
            for (int i = 0; i < 10; i++) {
                if ("pong".equals(c.request("ping").get("type").asText())) {
                    accepted++;
                }
            }
            a.gateway.onClosed(c.connection, 1000, "bye");
            if (loop % 20 == 19) {
                h.advance(java.time.Duration.ofSeconds(1), a); // 5 s in all
            }
        }
        // Burst 40 plus 20 per second for 5 s, whatever the number of connections (1,100 frames tried).
        assertThat(accepted).isBetween(40, 40 + 20 * 5 + 1);
    }

    @Test
    void invitesAreLimitedPerInviterAndPerInviteeAndWelcomeStaysBounded() {
        Node a = h.node("A");
        Client victim = authenticated(a, "victim");
        Client spammer = authenticated(a, "spammer");
        int ok = 0;
        String code = null;
        for (int i = 0; i < 15 && code == null; i++) {
            Client target = authenticated(a, "t" + i);
            JsonNode r = spammer.request("chat.invite", "to", List.of("t" + i));
            if ("ok".equals(r.get("type").asText())) {
                ok++;
            } else {
                code = r.get("code").asText();
            }
            assertThat(target).isNotNull();
        }
        assertThat(ok).isEqualTo(10); // burst 10, then 10 per minute
        assertThat(code).isEqualTo("rate_limited");
        // Twenty different users invite the victim: the 21st invite is refused, nothing more is stored.
        for (int i = 0; i < 20; i++) {
            Client u = authenticated(a, "fan" + i);
            assertThat(u.request("chat.invite", "to", List.of("victim")).get("type").asText()).isEqualTo("ok");
        }
        Client late = authenticated(a, "fan20");
        assertThat(late.request("chat.invite", "to", List.of("victim")).get("code").asText()).isEqualTo("too_many_invites");
        assertThat(victim.transport.ofType("chat.session")).hasSize(20);
        Client again = a.connect("victim-2");
        assertThat(again.hello("victim", "laptop").get("chat")).hasSize(20);
        // The same list in pages: no session twice, none missing, "more" until the last page.
        java.util.Set<String> paged = new java.util.HashSet<>();
        JsonNode page = again.request("chat.sessions", "limit", 8);
        int pages = 1;
        for (int offset = 8; page.get("more").asBoolean(); offset += 8, pages++) {
            page.get("sessions").forEach(x -> assertThat(paged.add(x.get("session").asText())).isTrue());
            page = again.request("chat.sessions", "offset", offset, "limit", 8);
        }
        page.get("sessions").forEach(x -> assertThat(paged.add(x.get("session").asText())).isTrue());
        assertThat(pages).isEqualTo(3);
        assertThat(paged).hasSize(20);
    }

    @Test
    void aPerAddressCapRefusesTheSocketBeyondItAndFreesSlotsWhenSocketsClose() {
        h.maxConnectionsPerAddress = 3;
        Node a = h.node("A");
        List<Client> same = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            same.add(a.connect("host-1"));
        }
        Client fourth = a.connect("host-1");
        assertThat(fourth.transport.closedWith).isEqualTo(4204);
        assertThat(same).noneMatch(c -> c.transport.isClosed());
        assertThat(a.connect("host-2").transport.isClosed()).isFalse(); // another address
        a.gateway.onClosed(same.get(0).connection, 1006, "gone");
        assertThat(a.connect("host-1").transport.isClosed()).isFalse();
        // Unauthenticated sockets that never say hello are cut at the auth deadline and free their slot.
        h.advance(java.time.Duration.ofSeconds(11), a);
        assertThat(a.gateway.connectionsFrom("test:host-1")).isZero();
    }

    @Test
    void theConnectionCapCountsLiveConnectionsOfOtherDevicesAcrossNodes() {
        h.limits = GatewayLimits.builder().maxConnectionsPerUser(2).build();
        Node a = h.node("A");
        Node b = h.node("B");
        a.connect("1").hello("alice", "d1");
        b.connect("2").hello("alice", "d2");
        Client third = a.connect("3");
        assertThat(third.hello("alice", "d3").get("code").asText()).isEqualTo("too_many_connections");
        assertThat(third.transport.closedWith).isEqualTo(4204);
        // The same device reconnecting replaces itself and is always allowed.
        Client again = b.connect("2b");
        assertThat(again.hello("alice", "d2").get("type").asText()).isEqualTo("welcome");
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(2);
    }

    @Test
    void aFailingHandlerAnswersInternalErrorAndNeverReachesTheHost() {
        h.extraModules.add(new FrameModule() {
            @Override
            public String name() {
                return "boom";
            }

            @Override
            public Map<String, FrameHandler> handlers() {
                return Map.of("boom.npe", r -> {
                    throw new NullPointerException("bug");
                }, "boom.twice", r -> {
                    r.reply(r.newObject());
                    throw new IllegalStateException("after reply");
                });
            }
        });
        Node a = h.node("A");
        Client c = authenticated(a, "alice");
        assertThat(c.request("boom.npe").get("code").asText()).isEqualTo("internal_error");
        assertThat(c.request("boom.twice").get("type").asText()).isEqualTo("ok");
        assertThat(c.request("ping").get("type").asText()).isEqualTo("pong");
    }

    @Test
    void moduleFrameTypesMustCarryTheModulePrefix() {
        h.extraModules.add(new FrameModule() {
            @Override
            public String name() {
                return "x";
            }

            @Override
            public Map<String, FrameHandler> handlers() {
                return Map.of("chat.steal", r -> { });
            }
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.node("A"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chat.steal");
        assertThat(List.of()).isEmpty();
    }
}
