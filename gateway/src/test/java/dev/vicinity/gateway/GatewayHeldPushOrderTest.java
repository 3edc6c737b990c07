package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Pushes produced while a handshake reply is prepared are held and go out after it, in order; a push
 * from another thread while the reply and the held pushes are being written goes out after them too.
 * The other thread is simulated from inside the transport's send of the welcome, exactly in that window.
 */
class GatewayHeldPushOrderTest {
    @Test
    void aPushRacingTheWelcomeGoesOutAfterItAndAfterTheHeldPushes() {
        GatewayHarness h = new GatewayHarness();
        h.extraModules.add(new FrameModule() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public java.util.Map<String, FrameHandler> handlers() {
                return java.util.Map.of();
            }

            @Override
            public void onAttached(ClientContext client, ObjectNode welcome) {
                client.push("probe.first", client.newObject()); // held: produced while the welcome is prepared
            }
        });
        GatewayHarness.Node n = h.node("n");
        List<String> wire = new CopyOnWriteArrayList<>();
        AtomicReference<GatewayConnection> conn = new AtomicReference<>();
        Transport t = new Transport() {
            @Override
            public CompletionStage<?> send(String text) {
                if (text.contains("\"welcome\"") && conn.get() != null) {
                    GatewayConnection c = conn.getAndSet(null);
                    c.push("probe.second", c.newObject()); // "another thread", right after release()
                }
                wire.add(text.replaceAll(".*\"type\":\"([^\"]+)\".*", "$1"));
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close(int status, String reason) {}

            @Override
            public String remoteAddress() {
                return "10.0.0.1";
            }
        };
        GatewayConnection c = n.gateway.open(t);
        conn.set(c);
        n.gateway.onText(c, "{\"type\":\"hello\",\"id\":\"h1\",\"v\":1,\"token\":\"valid:bob\",\"device\":\"phone\"}");
        assertThat(wire).containsSubsequence("welcome", "probe.first", "probe.second");
        assertThat(wire.indexOf("welcome")).isLessThan(wire.indexOf("probe.first"));
        assertThat(wire.indexOf("probe.first")).isLessThan(wire.indexOf("probe.second"));
    }
}
