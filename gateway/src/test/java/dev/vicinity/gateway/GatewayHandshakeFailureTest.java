package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.ConnectionState;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.GatewayHarness.Client;
import dev.vicinity.gateway.GatewayHarness.Node;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A store that fails in the middle of {@code hello} or {@code resume} leaves the connection as it was
 * before the attempt: unauthenticated, same id, nothing held, no registration that could close it
 * later. A retry on the same socket then succeeds and the connection lives on.
 */
class GatewayHandshakeFailureTest {
    private final GatewayHarness h = new GatewayHarness();

    private static JsonNode last(Client c) {
        return c.transport.received.get(c.transport.received.size() - 1);
    }

    /** A token for alice's connection on {@code a}, whose socket is then lost (resumable). */
    private String lostConnection(Node a) {
        Client alice = a.connect("alice");
        String token = alice.hello("alice", "phone").get("resume").asText();
        a.gateway.onClosed(alice.connection, 1006, "network lost");
        return token;
    }

    private void assertLive(Client c, Node n) {
        assertThat(c.transport.isClosed()).as("transport closed with %s", c.transport.closedWith).isFalse();
        assertThat(c.connection.isAttached()).isTrue();
        assertThat(c.request("ping").get("type").asText()).isEqualTo("pong");
        assertThat(n.gateway.localConnections(UserId.of("alice"))).containsExactly(c.connection);
        assertThat(n.gateway.connection(c.connection.connection())).contains(c.connection);
    }

    @Test
    void aResumeOnAnotherNodeFailingInThePresenceStoreLeavesNothingThatClosesTheConnectionLater() {
        Node a = h.node("A");
        Node b = h.node("B");
        String token = lostConnection(a);
        Client again = b.connect("alice-2");
        var placeholder = again.connection.connection();

        h.acquireFault.set(new BackendUnavailableException("presence store down (test)", null));
        JsonNode refused = again.request("resume", "v", 1, "resume", token);
        assertThat(refused.get("code").asText()).isEqualTo("backend_unavailable");
        assertThat(again.connection.connection()).isEqualTo(placeholder);
        assertThat(again.connection.isAttached()).isFalse();
        assertThat(again.transport.isClosed()).isFalse();

        // The token was spent by the failed attempt; the client connects afresh on the same socket.
        assertThat(again.hello("alice", "phone").get("type").asText()).isEqualTo("welcome");
        // Past the auth deadline of anything the failed resume registered on B.
        for (int i = 0; i < 3; i++) {
            h.advance(Duration.ofSeconds(6), a, b);
            assertLive(again, b);
        }
        assertThat(b.gateway.connections().countByState().get(ConnectionState.CONNECTING)).isZero();
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(1);
    }

    @Test
    void aResumeRetriedAfterAFailureThatSpentTheTokenIsAnsweredResumeExpired() {
        Node a = h.node("A");
        Node b = h.node("B");
        String token = lostConnection(a);
        Client again = b.connect("alice-2");
        h.acquireFault.set(new BackendUnavailableException("presence store down (test)", null));
        assertThat(again.request("resume", "v", 1, "resume", token).get("code").asText()).isEqualTo("backend_unavailable");
        assertThat(again.request("resume", "v", 1, "resume", token).get("code").asText()).isEqualTo("resume_expired");
        assertThat(again.transport.closedWith).isEqualTo(4101);
    }

    @Test
    void aResumeWhoseStoreThrowsUnexpectedlyCanBeRetriedOnTheSameSocket() {
        Node a = h.node("A");
        String token = lostConnection(a);
        Client again = a.connect("alice-2");
        var placeholder = again.connection.connection();

        h.takeFault.set(new IllegalStateException("resume store bug (test)"));
        again.raw("{\"type\":\"resume\",\"id\":\"r1\",\"v\":1,\"resume\":\"" + token + "\"}");
        assertThat(last(again).get("code").asText()).isEqualTo("internal_error");
        assertThat(again.connection.connection()).isEqualTo(placeholder);
        assertThat(again.connection.isAttached()).isFalse();
        assertThat(again.connection.holdsPushes()).isFalse();

        JsonNode resumed = again.request("resume", "v", 1, "resume", token);
        assertThat(resumed.get("type").asText()).isEqualTo("resumed");
        assertLive(again, a);
        h.advance(Duration.ofSeconds(12), a);
        assertLive(again, a);
    }

    @Test
    void aHelloWhosePresenceStoreThrowsLeavesTheConnectionUnchangedAndARetrySucceeds() {
        Node a = h.node("A");
        Client alice = a.connect("alice");
        var placeholder = alice.connection.connection();

        h.acquireFault.set(new IllegalStateException("presence store bug (test)"));
        alice.raw("{\"type\":\"hello\",\"id\":\"h1\",\"v\":1,\"token\":\"valid:alice\",\"device\":\"phone\"}");
        assertThat(last(alice).get("code").asText()).isEqualTo("internal_error");
        assertThat(alice.connection.connection()).isEqualTo(placeholder);
        assertThat(alice.connection.isAttached()).isFalse();
        assertThat(alice.connection.holdsPushes()).isFalse();
        assertThat(a.gateway.localConnections(UserId.of("alice"))).isEmpty();

        h.acquireFault.set(new BackendUnavailableException("presence store down (test)", null));
        assertThat(alice.hello("alice", "phone").get("code").asText()).isEqualTo("backend_unavailable");
        assertThat(alice.connection.holdsPushes()).isFalse();

        assertThat(alice.hello("alice", "phone").get("type").asText()).isEqualTo("welcome");
        assertLive(alice, a);
        h.advance(Duration.ofSeconds(12), a);
        assertLive(alice, a);
    }
}
