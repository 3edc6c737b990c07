package dev.vicinity.node.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.Principal;
import dev.vicinity.node.ProtocolFrames;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The harness itself: keep-alive, drop and resume, closes by the node, waits, misuse. */
class VicinityHarnessTest {
    private final VicinityHarness harness = VicinityHarness.create();
    private final HarnessClient alice = harness.client("alice");
    private final HarnessClient bob = harness.client("bob");

    @AfterEach
    void close() {
        harness.close();
        ProtocolFrames.assertValid(alice, bob);
    }

    /** Alice invites Bob, Bob accepts, Alice sends m1; returns the session id. */
    private String chatting() {
        alice.hello();
        bob.hello();
        String session = alice.callOk("chat.invite", "to", List.of("bob")).path("session").asText();
        bob.callOk("chat.accept", "session", session);
        alice.callOk("chat.send", "session", session, "clientId", "m1", "text", "one");
        return session;
    }

    private boolean online(String user) {
        return harness.vicinity().presence().isOnline(UserId.of(user));
    }

    /** Whether {@code session} is among the client's open chat sessions. */
    private static boolean open(HarnessClient c, String session) {
        return c.callOk("chat.sessions").path("sessions").findValuesAsText("session").contains(session);
    }

    private static List<String> texts(HarnessClient c) {
        return c.pushes("chat.message").stream().map(m -> m.path("text").asText()).toList();
    }

    @Test
    void advancingMinutesKeepsConnectedClientsOnlineAndTheirChatActive() {
        String session = chatting();
        harness.advance(Duration.ofMinutes(2));
        harness.advance(Duration.ofMillis(61_500)); // a remainder smaller than a step too

        assertThat(alice.connected()).isTrue();
        assertThat(bob.connected()).isTrue();
        assertThat(alice.closeStatus()).isEmpty();
        assertThat(online("alice")).isTrue();
        assertThat(online("bob")).isTrue();
        // Each sent a ping every heartbeatSeconds (10 s by default) and got a pong.
        assertThat(alice.frames().stream().filter(f -> "pong".equals(f.path("type").asText())).count())
                .isBetween(17L, 19L);
        assertThat(bob.pushes("chat.presence")).isEmpty();
        assertThat(bob.pushes("chat.session")).noneMatch(s -> "ENDED".equals(s.path("state").asText()));
        assertThat(open(alice, session)).isTrue();
        alice.callOk("chat.send", "session", session, "clientId", "m2", "text", "two");
        assertThat(texts(bob)).containsExactly("one", "two");
    }

    @Test
    void aClientLeftOutOfTheKeepAliveIsDetachedGoesOfflineAndItsChatEnds() {
        String session = chatting();
        bob.keepAlive(false);

        harness.advance(Duration.ofSeconds(31)); // three heartbeat intervals of silence
        assertThat(bob.closeStatus()).hasValue(4001); // heartbeat_timeout: resumable
        assertThat(bob.connected()).isFalse();
        assertThat(alice.lastPush("chat.presence").path("state").asText()).isEqualTo("away");
        assertThat(online("bob")).as("online during the resume window").isTrue();

        harness.advance(Duration.ofMinutes(2).plusSeconds(15)); // resume window, then the offline grace
        assertThat(online("bob")).isFalse();
        JsonNode ended = alice.lastPush("chat.session");
        assertThat(ended.path("state").asText()).isEqualTo("ENDED");
        assertThat(ended.path("endReason").asText()).isEqualTo("peer_gone");
        assertThat(ended.path("session").asText()).isEqualTo(session);
        assertThat(alice.connected()).isTrue();
        assertThat(online("alice")).isTrue();
    }

    @Test
    void movingTheClockWithoutAdvanceSkipsTheHeartbeatsAndDetachesEveryone() {
        chatting();
        harness.clock().advance(Duration.ofMinutes(2));
        harness.tick();
        assertThat(alice.closeStatus()).hasValue(4001);
        assertThat(bob.closeStatus()).hasValue(4001);
        assertThatThrownBy(() -> alice.call("ping")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed").hasMessageContaining("4001");
    }

    @Test
    void aDroppedClientResumesInsideTheWindowWithWhatItMissed() {
        String session = chatting();
        bob.drop();
        assertThat(bob.closeStatus()).hasValue(1006);
        assertThat(alice.lastPush("chat.presence").path("state").asText()).isEqualTo("away");
        alice.callOk("chat.send", "session", session, "clientId", "m2", "text", "two");
        alice.callOk("chat.send", "session", session, "clientId", "m3", "text", "three");

        harness.advance(Duration.ofSeconds(90));
        assertThat(online("bob")).isTrue();
        assertThat(alice.pushes("chat.session")).noneMatch(s -> "ENDED".equals(s.path("state").asText()));

        JsonNode resumed = bob.resume();
        assertThat(resumed.path("user").asText()).isEqualTo("bob");
        assertThat(bob.connected()).isTrue();
        assertThat(texts(bob)).containsExactly("one", "two", "three");
        assertThat(bob.pushes("chat.message").subList(1, 3)).allMatch(m -> m.path("replayed").asBoolean());
        assertThat(bob.lastPush("chat.resumed").path("recovered").asBoolean()).isTrue();
        assertThat(bob.lastPush("chat.resumed").path("state").asText()).isEqualTo("ACTIVE");
        assertThat(alice.lastPush("chat.presence").path("state").asText()).isEqualTo("online");

        harness.advance(Duration.ofMinutes(3));
        assertThat(bob.connected()).isTrue();
        assertThat(open(bob, session)).isTrue();
    }

    @Test
    void aResumeAfterTheWindowIsRefusedAndHelloStartsOver() {
        chatting();
        bob.drop();
        harness.advance(Duration.ofMinutes(2).plusSeconds(5));
        assertThatThrownBy(bob::resume).isInstanceOf(AssertionError.class).hasMessageContaining("resume_expired");
        assertThat(bob.closeStatus()).hasValue(4101);
        assertThat(bob.hello().path("type").asText()).isEqualTo("welcome");
        assertThat(bob.connected()).isTrue();
    }

    @Test
    void closesByTheNodeAreRecordedAuthDeadlineAndReplaced() {
        HarnessClient silent = harness.client("carol").reconnect();
        harness.advance(Duration.ofSeconds(11));
        assertThat(silent.closeStatus()).hasValue(4100);

        alice.hello();
        HarnessClient again = harness.client("alice");
        again.hello();
        assertThat(alice.closeStatus()).hasValue(4200);
        assertThat(again.connected()).isTrue();
        harness.advance(Duration.ofMinutes(1));
        assertThat(again.connected()).isTrue();
        assertThat(online("alice")).isTrue();
        assertThat(harness.clients()).contains(alice, bob, silent, again);
    }

    @Test
    void optionsAndAuthenticatorGoThroughTheNodeBuilder() {
        try (VicinityHarness custom = VicinityHarness.builder()
                .configure(b -> b.authenticator((token, device) -> token.startsWith("secret-")
                        ? Optional.of(new Principal(UserId.of(token.substring(7)), DeviceId.of(device)))
                        : Optional.empty()))
                .configure(b -> b.chat(c -> c.inviteTimeout(Duration.ofSeconds(30))))
                .build()) {
            HarnessClient dora = custom.client("dora");
            HarnessClient eve = custom.client("eve", "tablet");
            assertThatThrownBy(dora::hello).isInstanceOf(AssertionError.class).hasMessageContaining("auth_failed");
            assertThat(dora.hello("secret-dora").path("user").asText()).isEqualTo("dora");
            assertThat(eve.hello("secret-eve").path("device").asText()).isEqualTo("tablet");
            dora.callOk("chat.invite", "to", List.of("eve"));
            custom.advance(Duration.ofSeconds(35));
            assertThat(eve.lastPush("chat.session").path("state").asText()).isEqualTo("EXPIRED");
        }
    }

    @Test
    void aPushFromAnotherThreadIsAwaited() throws Exception {
        String session = chatting();
        CompletableFuture<JsonNode> sent = CompletableFuture.supplyAsync(
                () -> alice.callOk("chat.send", "session", session, "clientId", "m2", "text", "from elsewhere"));
        JsonNode pushed = bob.awaitPush("chat.message", m -> "from elsewhere".equals(m.path("text").asText()));
        assertThat(pushed.path("seq").asLong()).isEqualTo(2);
        assertThat(sent.get(5, TimeUnit.SECONDS).path("seq").asLong()).isEqualTo(2);
        assertThat(bob.awaitPush("chat.message").path("text").asText()).isEqualTo("one");
    }

    @Test
    void failedExpectationsAreAssertionErrorsAndMisuseIsRefused() {
        assertThat(harness.client("not an id!").call("hello", "v", 1, "token", "not an id!", "device", "phone")
                .path("code").asText()).isEqualTo("auth_failed");
        String session = chatting();
        assertThatThrownBy(() -> bob.callOk("chat.send", "session", "nope", "clientId", "x", "text", "t"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("chat.send was refused");
        assertThatThrownBy(() -> alice.lastPush("rating.revealed")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no rating.revealed push");
        assertThatThrownBy(() -> alice.call("chat.send", "session")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> alice.call("chat.send", 1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> harness.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VicinityHarness.builder().step(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step");
        assertThatThrownBy(() -> harness.client("zed").resume()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no resume token");
        alice.close(1000);
        assertThatThrownBy(() -> alice.call("ping")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(alice::drop).isInstanceOf(IllegalStateException.class);
        assertThat(session).isNotEmpty();

        try (VicinityHarness quick = VicinityHarness.builder().awaitTimeout(Duration.ofMillis(20)).build()) {
            HarnessClient c = quick.connect("fay");
            assertThatThrownBy(() -> c.awaitPush("chat.message")).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no matching chat.message push within 20 ms");
            quick.close();
            assertThatThrownBy(() -> quick.client("gus")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }
}
