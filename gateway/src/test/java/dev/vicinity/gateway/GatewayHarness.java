package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.gateway.chat.ChatFrames;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.GatewayLimits;
import dev.vicinity.gateway.Principal;
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
import dev.vicinity.core.MutableClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deployment in one process: shared in-memory stores and bus, and any number of nodes, each a
 * gateway wired to geo, chat and rating exactly as a host application would wire them. The token a
 * client sends in {@code hello} is {@code "valid:<user>"}.
 */
final class GatewayHarness {
    static final ObjectMapper JSON = new ObjectMapper();

    final MutableClock clock = new MutableClock();
    final InMemoryPresenceStore presenceStore = new InMemoryPresenceStore();
    final InMemoryResumeStore resumeStore = new InMemoryResumeStore();
    final InMemoryEventBus bus = new InMemoryEventBus(clock);
    final InMemoryLocationStore locationStore = new InMemoryLocationStore();
    final InMemoryProximityIndex index = new InMemoryProximityIndex();
    final InMemoryBlockList blocks = new InMemoryBlockList();
    final InMemoryChatSessionStore chatSessions = new InMemoryChatSessionStore();
    final InMemoryMessageStore messages = new InMemoryMessageStore();
    final InMemoryRatingStore ratingStore = new InMemoryRatingStore();
    private final AtomicInteger ids = new AtomicInteger();
    /** While true, every presence store call fails as a backend outage would (BackendUnavailableException). */
    volatile boolean presenceDown;
    /** When set, the next presence {@code acquire} throws it (once); other calls keep working. */
    final java.util.concurrent.atomic.AtomicReference<RuntimeException> acquireFault =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** When set, the next resume-store {@code take} throws it (once), before taking the token. */
    final java.util.concurrent.atomic.AtomicReference<RuntimeException> takeFault =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** The shared presence store behind a switch that simulates its outage (fault injection, not a fake). */
    private final class OutagePresenceStore implements dev.vicinity.core.spi.PresenceStore {
        private void check() {
            if (presenceDown) {
                throw new dev.vicinity.core.BackendUnavailableException("presence store down (test)", null);
            }
        }

        @Override
        public Acquired acquire(UserId user, DeviceId device, dev.vicinity.core.ConnectionId connection, NodeId node,
                java.time.Instant expiresAt) {
            check();
            RuntimeException fault = acquireFault.getAndSet(null);
            if (fault != null) {
                throw fault;
            }
            return presenceStore.acquire(user, device, connection, node, expiresAt);
        }

        @Override
        public Optional<dev.vicinity.core.Lease> renew(dev.vicinity.core.ConnectionId connection, long generation,
                java.time.Instant expiresAt) {
            check();
            return presenceStore.renew(connection, generation, expiresAt);
        }

        @Override
        public Optional<Removed> release(dev.vicinity.core.ConnectionId connection, long generation,
                java.time.Instant offlineAt) {
            check();
            return presenceStore.release(connection, generation, offlineAt);
        }

        @Override
        public java.util.List<dev.vicinity.core.Lease> leasesOf(UserId user) {
            check();
            return presenceStore.leasesOf(user);
        }

        @Override
        public void heartbeatNode(NodeId node, java.time.Instant expiresAt) {
            check();
            presenceStore.heartbeatNode(node, expiresAt);
        }

        @Override
        public SweepResult sweep(java.time.Instant now, java.time.Instant offlineAt, int limit) {
            check();
            return presenceStore.sweep(now, offlineAt, limit);
        }
    }
    /** The shared resume store behind a one-shot fault on {@code take} (fault injection, not a fake). */
    private final class FaultyResumeStore implements dev.vicinity.core.spi.ResumeStore {
        @Override
        public void put(String token, Ticket ticket, java.time.Instant expiresAt) {
            resumeStore.put(token, ticket, expiresAt);
        }

        @Override
        public Optional<Ticket> take(String token, java.time.Instant now) {
            RuntimeException fault = takeFault.getAndSet(null);
            if (fault != null) {
                throw fault;
            }
            return resumeStore.take(token, now);
        }

        @Override
        public void remove(String token) {
            resumeStore.remove(token);
        }
    }

    GatewayLimits limits = GatewayLimits.defaults();
    /** When set before {@link #node}, that node authenticates with it instead of the {@code valid:} tokens. */
    ContextAuthenticator authenticator;
    int maxConnectionsPerAddress;
    final java.util.List<dev.vicinity.gateway.FrameModule> extraModules = new java.util.ArrayList<>();

    final class Node {
        final PresenceService presence;
        final Gateway gateway;
        final ChatFrames chat;
        final RatingService ratings;

        Node(String name) {
            presence = PresenceService.builder(new OutagePresenceStore(), NodeId.of(name)).clock(clock).eventBus(bus).build();
            LocationService locations = LocationService.builder(locationStore, index).clock(clock).build();
            NearbyMatcher matcher = NearbyMatcher.builder(locations, blocks, presence::isOnline).clock(clock)
                    .noRateLimit().build();
            chat = new ChatFrames(recipients -> ChatService.builder(chatSessions, messages, bus, recipients)
                    .clock(clock).blockRecorder(blocks::block).blockCheck((a, b) -> blocks.blocking(a).contains(b))
                    .unlimitedMessageRate().build());
            ratings = RatingService.builder(ratingStore, session -> chatSessions.find(session).flatMap(GatewayHarness::ratable))
                    .blockCheck((a, b) -> blocks.blocking(a).contains(b)).clock(clock).build();
            Gateway.Builder gb = (authenticator != null ? Gateway.builder(presence, new FaultyResumeStore(), authenticator)
                    : Gateway.builder(presence, new FaultyResumeStore(), (token, device) -> token.startsWith("valid:")
                            ? Optional.of(new Principal(UserId.of(token.substring(6)), DeviceId.of(device)))
                            : Optional.empty()))
                    .clock(clock).limits(limits).maxConnectionsPerAddress(maxConnectionsPerAddress)
                    .module(new GeoFrames(locations, matcher, blocks).onBlock((a, b) -> chat.service().onBlocked(a, b)))
                    .module(chat)
                    .module(new RatingFrames(ratings, bus));
            extraModules.forEach(gb::module);
            gateway = gb.build();
            presence.subscribe(chat.service()::onPresenceChange);
        }

        Client connect(String name) {
            ScriptedTransport t = new ScriptedTransport(name);
            return new Client(this, t, gateway.open(t));
        }

        /** A socket opened after the HTTP upgrade {@code upgrade}. */
        Client connect(String name, UpgradeRequest upgrade) {
            ScriptedTransport t = new ScriptedTransport(name);
            return new Client(this, t, gateway.open(t, upgrade));
        }

        void tick() {
            gateway.tick();
            chat.service().tick();
            ratings.revealDue();
        }
    }

    final class Client {
        final Node node;
        final ScriptedTransport transport;
        GatewayConnection connection;

        Client(Node node, ScriptedTransport transport, GatewayConnection connection) {
            this.node = node;
            this.transport = transport;
            this.connection = connection;
        }

        /** Sends a frame built from alternating key/value pairs and returns its reply. */
        JsonNode request(String type, Object... kv) {
            return transport.reply(send(type, kv));
        }

        /** Sends a frame built from alternating key/value pairs and returns its id (the reply may come later). */
        String send(String type, Object... kv) {
            String id = "r" + ids.incrementAndGet();
            ObjectNode f = JSON.createObjectNode().put("type", type).put("id", id);
            for (int i = 0; i < kv.length; i += 2) {
                f.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
            }
            transport.expectAnswer(f);
            node.gateway.onText(connection, f.toString());
            return id;
        }

        JsonNode hello(String user, String device) {
            return request("hello", "v", 1, "token", "valid:" + user, "device", device);
        }

        /** Sends {@code text} as it is; not validated against the client schema (it may be deliberately bad). */
        void raw(String text) {
            node.gateway.onText(connection, text);
        }
    }

    Node node(String name) {
        return new Node(name);
    }

    /** Rating's view of a chat session: ENDED is ratable, open is ongoing, never-started is unknown. */
    static Optional<RatableSession> ratable(ChatSession s) {
        return switch (s.state()) {
            case ENDED -> Optional.of(RatableSession.ended(s.id(), new HashSet<>(s.participantIds()), s.endedAt()));
            case INVITED, ACTIVE -> Optional.of(RatableSession.ongoing(s.id(), new HashSet<>(s.participantIds())));
            default -> Optional.empty();
        };
    }

    void advance(Duration d, Node... nodes) {
        for (long s = 0; s < d.toSeconds(); s++) {
            clock.advance(Duration.ofSeconds(1));
            for (Node n : nodes) {
                n.tick();
            }
        }
    }
}
