package dev.vicinity.examples.quickstart;

import dev.vicinity.chat.ChatService;
import dev.vicinity.gateway.chat.ChatFrames;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.Principal;
import dev.vicinity.gateway.Transport;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.gateway.geo.GeoFrames;
import dev.vicinity.geo.memory.InMemoryBlockList;
import dev.vicinity.chat.memory.InMemoryChatSessionStore;
import dev.vicinity.core.memory.InMemoryEventBus;
import dev.vicinity.geo.memory.InMemoryLocationStore;
import dev.vicinity.chat.memory.InMemoryMessageStore;
import dev.vicinity.core.memory.InMemoryPresenceStore;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.core.memory.InMemoryResumeStore;
import dev.vicinity.rating.RatableSession;
import dev.vicinity.rating.RatingService;
import dev.vicinity.gateway.rating.RatingFrames;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A host application in one file: {@link #gateway()} wires presence, geo, chat and rating on the
 * in-memory backend behind one {@link Gateway}; {@link #main} plays two clients through it (as a
 * WebSocket server would hand it frames) and prints every frame.
 *
 * <p>Run it with {@code mvn -B -q -pl examples/quickstart -am compile exec:java}.
 */
public final class Quickstart {

    private Quickstart() {}

    /** Everything a node needs, on the in-memory backend (swap the stores for H2GIS, PostgreSQL or Redis). */
    static Gateway gateway() {
        InMemoryEventBus bus = new InMemoryEventBus();
        InMemoryBlockList blocks = new InMemoryBlockList();
        InMemoryChatSessionStore sessions = new InMemoryChatSessionStore();
        PresenceService presence = PresenceService.builder(new InMemoryPresenceStore(), NodeId.of("node-1"))
                .eventBus(bus).build();
        LocationService locations = LocationService.builder(new InMemoryLocationStore(), new InMemoryProximityIndex())
                .build();
        NearbyMatcher matcher = NearbyMatcher.builder(locations, blocks, presence::isOnline).build();
        ChatFrames chat = new ChatFrames(recipients -> ChatService.builder(sessions, new InMemoryMessageStore(), bus,
                recipients).blockRecorder(blocks::block).blockCheck((a, b) -> blocks.blocking(a).contains(b)).build());
        // Rating's view of a chat: ENDED is ratable, INVITED/ACTIVE not yet (session_not_ended).
        RatingService ratings = RatingService.builder(new InMemoryRatingStore(), id -> sessions.find(id)
                .flatMap(s -> switch (s.state()) {
                    case ENDED -> Optional.of(RatableSession.ended(s.id(), new HashSet<>(s.participantIds()), s.endedAt()));
                    case INVITED, ACTIVE -> Optional.of(RatableSession.ongoing(s.id(), new HashSet<>(s.participantIds())));
                    default -> Optional.<RatableSession>empty();
                }))
                .blockCheck((a, b) -> blocks.blocking(a).contains(b)).build();
        Gateway gateway = Gateway.builder(presence, new InMemoryResumeStore(),
                        // Your authentication: here the token "demo:<name>" is accepted as user <name>.
                        (token, device) -> token.startsWith("demo:")
                                ? Optional.of(new Principal(UserId.of(token.substring(5)), DeviceId.of(device)))
                                : Optional.empty())
                .module(new GeoFrames(locations, matcher, blocks).onBlock((a, b) -> chat.service().onBlocked(a, b)))
                .module(chat)
                .module(new RatingFrames(ratings))
                .build();
        presence.subscribe(chat.service()::onPresenceChange); // offline users end their chats (peer_gone)
        return gateway;
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
        Gateway gateway = gateway();
        String[] session = new String[1];
        Consumer<String> sessionSniffer = text -> {
            int i = text.indexOf("\"session\":{\"id\":\"");
            if (i >= 0 && session[0] == null) {
                session[0] = text.substring(i + 17, text.indexOf('"', i + 17));
            }
        };
        GatewayConnection alice = gateway.open(printing("alice", sessionSniffer));
        GatewayConnection bob = gateway.open(printing("bob  ", t -> { }));
        send(gateway, alice, "{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"demo:alice\",\"device\":\"phone\"}");
        send(gateway, bob, "{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"demo:bob\",\"device\":\"phone\"}");
        send(gateway, alice, "{\"type\":\"geo.location\",\"id\":\"2\",\"lat\":52.5200,\"lon\":13.4050,\"accuracy\":10}");
        send(gateway, bob, "{\"type\":\"geo.location\",\"id\":\"2\",\"lat\":52.5235,\"lon\":13.4120,\"accuracy\":25}");
        send(gateway, alice, "{\"type\":\"geo.nearby\",\"id\":\"3\",\"radius\":5000,\"limit\":10}");
        send(gateway, alice, "{\"type\":\"chat.invite\",\"id\":\"4\",\"to\":[\"bob\"]}");
        String s = session[0];
        send(gateway, bob, "{\"type\":\"chat.accept\",\"id\":\"3\",\"session\":\"" + s + "\"}");
        send(gateway, alice, "{\"type\":\"chat.send\",\"id\":\"5\",\"session\":\"" + s + "\",\"clientId\":\"m1\",\"text\":\"coffee?\"}");
        send(gateway, bob, "{\"type\":\"chat.send\",\"id\":\"4\",\"session\":\"" + s + "\",\"clientId\":\"m1\",\"text\":\"sure!\"}");
        send(gateway, alice, "{\"type\":\"chat.leave\",\"id\":\"6\",\"session\":\"" + s + "\"}");
        send(gateway, alice, "{\"type\":\"rating.submit\",\"id\":\"7\",\"session\":\"" + s + "\",\"ratee\":\"bob\",\"stars\":5}");
        send(gateway, bob, "{\"type\":\"rating.submit\",\"id\":\"5\",\"session\":\"" + s + "\",\"ratee\":\"alice\",\"stars\":4}");
        send(gateway, bob, "{\"type\":\"chat.send\",\"id\":\"6\",\"session\":\"" + s + "\",\"clientId\":\"m2\",\"text\":\"hello?\"}");
        send(gateway, bob, "{\"type\":\"geo.location\",\"id\":\"7\",\"lat\":\"NaN\",\"lon\":13.4}");
        gateway.onClosed(alice, 1000, "bye");
        gateway.onClosed(bob, 1000, "bye");
    }

    private static void send(Gateway gateway, GatewayConnection c, String frame) {
        say(c.transport().remoteAddress() + " -> " + frame);
        gateway.onText(c, frame);
    }

    @SuppressWarnings("java:S106") // an example application may print
    private static void say(String line) {
        System.out.println(line);
    }
}
