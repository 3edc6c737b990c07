package dev.vicinity.examples.quickstart;

import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.Principal;
import dev.vicinity.gateway.Transport;
import dev.vicinity.node.Backends;
import dev.vicinity.node.Vicinity;
import dev.vicinity.node.VicinityBackend;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A host application in one file: {@link #vicinity(Clock)} is the README's embedding code (one
 * {@link Vicinity} node on the in-memory backend, all wiring done by the node); {@link #main} plays two
 * clients through it (as a WebSocket server would hand it frames) and prints every frame.
 *
 * <p>Run it with {@code mvn -B -q -pl examples/quickstart -am compile exec:java}.
 */
public final class Quickstart {

    private Quickstart() {}

    /** Your authentication: here the token "demo:<name>" is accepted as user <name>. */
    static final class DemoAuth {
        Optional<Principal> verify(String token, String device) {
            return token.startsWith("demo:")
                    ? Optional.of(new Principal(UserId.of(token.substring(5)), DeviceId.of(device)))
                    : Optional.empty();
        }
    }

    /** The README's embedding code, verbatim (swap the backend for H2GIS or PostgreSQL + Redis). */
    static Vicinity vicinity(Clock clock) {
        DemoAuth yourAuth = new DemoAuth();
        VicinityBackend backend = Backends.inMemory();   // or Backends.h2gis(path), Backends.postgresAndRedis(...)
        Vicinity vicinity = Vicinity.builder(backend)
                .node(NodeId.of("node-1"))
                .authenticator((token, device) -> yourAuth.verify(token, device))  // -> Optional<Principal>
                .clock(clock)                                                        // default Clock.systemUTC()
                .build();
        vicinity.start();                                // once-a-second maintenance on two daemon threads
        return vicinity;
    }

    /** A transport that prints what the server sends, as a browser's WebSocket would receive it. */
    static Transport printing(String who, Consumer<String> inbox) {
        return new Transport() {
            @Override
            public CompletionStage<?> send(String text) {
                say(who + " <- " + text);
                inbox.accept(text);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close(int status, String reason) {
                say(who + " closed: " + status + " " + reason);
            }

            @Override
            public String remoteAddress() {
                return who;
            }
        };
    }

    public static void main(String[] args) {
        try (Vicinity vicinity = vicinity(Clock.systemUTC())) {
            String[] session = new String[1];
            Consumer<String> sessionSniffer = text -> {
                int i = text.indexOf("\"session\":\"");
                if (i >= 0 && session[0] == null && text.contains("\"state\":\"INVITED\"")) {
                    session[0] = text.substring(i + 11, text.indexOf('"', i + 11));
                }
            };
            GatewayConnection alice = vicinity.open(printing("alice", sessionSniffer));
            GatewayConnection bob = vicinity.open(printing("bob  ", t -> { }));
            send(vicinity, alice, "{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"demo:alice\",\"device\":\"phone\"}");
            send(vicinity, bob, "{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"demo:bob\",\"device\":\"phone\"}");
            send(vicinity, alice, "{\"type\":\"geo.location\",\"id\":\"2\",\"lat\":52.5200,\"lon\":13.4050,\"accuracy\":10}");
            send(vicinity, bob, "{\"type\":\"geo.location\",\"id\":\"2\",\"lat\":52.5235,\"lon\":13.4120,\"accuracy\":25}");
            send(vicinity, alice, "{\"type\":\"geo.nearby\",\"id\":\"3\",\"radius\":5000,\"limit\":10}");
            send(vicinity, alice, "{\"type\":\"chat.invite\",\"id\":\"4\",\"to\":[\"bob\"]}");
            String s = session[0];
            send(vicinity, bob, "{\"type\":\"chat.accept\",\"id\":\"3\",\"session\":\"" + s + "\"}");
            send(vicinity, alice, "{\"type\":\"chat.send\",\"id\":\"5\",\"session\":\"" + s + "\",\"clientId\":\"m1\",\"text\":\"coffee?\"}");
            send(vicinity, bob, "{\"type\":\"chat.send\",\"id\":\"4\",\"session\":\"" + s + "\",\"clientId\":\"m1\",\"text\":\"sure!\"}");
            send(vicinity, alice, "{\"type\":\"rating.submit\",\"id\":\"6\",\"session\":\"" + s + "\",\"ratee\":\"bob\",\"stars\":5}");
            send(vicinity, alice, "{\"type\":\"chat.leave\",\"id\":\"7\",\"session\":\"" + s + "\"}");
            send(vicinity, alice, "{\"type\":\"rating.submit\",\"id\":\"8\",\"session\":\"" + s + "\",\"ratee\":\"bob\",\"stars\":5}");
            send(vicinity, bob, "{\"type\":\"rating.submit\",\"id\":\"5\",\"session\":\"" + s + "\",\"ratee\":\"alice\",\"stars\":4}");
            send(vicinity, bob, "{\"type\":\"chat.send\",\"id\":\"6\",\"session\":\"" + s + "\",\"clientId\":\"m2\",\"text\":\"hello?\"}");
            send(vicinity, bob, "{\"type\":\"geo.location\",\"id\":\"7\",\"lat\":\"NaN\",\"lon\":13.4}");
            vicinity.onClosed(alice, 1000, "bye");
            vicinity.onClosed(bob, 1000, "bye");
        }
    }

    private static void send(Vicinity vicinity, GatewayConnection c, String frame) {
        say(c.transport().remoteAddress() + " -> " + frame);
        vicinity.onText(c, frame);
    }

    @SuppressWarnings("java:S106") // an example application may print
    private static void say(String line) {
        System.out.println(line);
    }
}
