package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.UserId;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The registry closes a connection after registry.authenticate returned but before the handshake set
 * its principal (here synchronously, from the close of the connection it replaced; in production, any
 * other thread): the modules hear "left" after "attached", so chat does not keep the user attached.
 */
class GatewayHelloCloseRaceTest {
    @Test
    void aConnectionClosedDuringItsHelloIsNotLeftAttachedToChat() {
        GatewayHarness h = new GatewayHarness();
        AtomicReference<ConnectionId> kick = new AtomicReference<>();
        AtomicReference<GatewayHarness.Node> node = new AtomicReference<>();
        h.extraModules.add(new FrameModule() {
            @Override
            public String name() {
                return "kicker";
            }

            @Override
            public java.util.Map<String, FrameHandler> handlers() {
                return java.util.Map.of();
            }

            @Override
            public void onClosed(ClientContext client) {
                ConnectionId target = kick.getAndSet(null);
                if (target != null) {
                    node.get().gateway.connections().close(target, CloseCode.KICKED);
                }
            }
        });
        GatewayHarness.Node n = h.node("n");
        node.set(n);
        GatewayHarness.Client older = n.connect("older");
        assertThat(older.hello("bob", "phone").path("type").asText()).isEqualTo("welcome");
        GatewayHarness.Client newer = n.connect("newer");
        kick.set(newer.connection.connection());

        newer.raw("{\"type\":\"hello\",\"id\":\"h1\",\"v\":1,\"token\":\"valid:bob\",\"device\":\"phone\"}");

        assertThat(newer.transport.isClosed()).isTrue();
        assertThat(n.gateway.localConnections(UserId.of("bob"))).isEmpty();
        assertThat(n.gateway.connections().connections()).isEmpty();
        assertThat(n.chat.service().attachedUserCount()).isZero();
    }
}
