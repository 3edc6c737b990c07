package dev.vicinity.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.vicinity.chat.memory.InMemoryChatSessionStore;
import dev.vicinity.chat.memory.InMemoryMessageStore;
import dev.vicinity.core.memory.InMemoryPresenceStore;
import dev.vicinity.core.memory.InMemoryResumeStore;
import dev.vicinity.redis.RedisEventBus;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Redis outage during chat traffic between two nodes whose only link is a Redis event bus (the stores
 * stand for the durable database and stay up). Redis is killed for 10 s and started again, with no
 * process restart: bus health goes red then green, cross-node delivery resumes by itself, and every
 * message stored before or during the outage reaches the other user — live after recovery (gap fill)
 * and again, exactly once, through resume.
 */
class RedisOutageChatIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicInteger ids = new AtomicInteger();

    /** A recording transport. */
    static final class Socket implements Transport {
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<?> send(String text) {
            try {
                frames.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close(int status, String reason) {}

        @Override
        public String remoteAddress() {
            return "test";
        }

        List<Long> seqs(String session) {
            return frames.stream().filter(f -> "chat.message".equals(f.path("type").asText())
                    && session.equals(f.path("session").asText())).map(f -> f.get("seq").asLong()).toList();
        }

        JsonNode reply(String id) {
            return frames.stream().filter(f -> id.equals(f.path("re").asText(null))).findFirst().orElseThrow();
        }
    }

    record Node(Gateway gateway, ChatFrames chat, RedisEventBus bus) {}

    private Node node(String name, RedisClient client, InMemoryPresenceStore presenceStore, InMemoryResumeStore resume,
            InMemoryChatSessionStore sessions, InMemoryMessageStore messages) {
        RedisEventBus bus = RedisEventBus.builder(client).build();
        PresenceService presence = PresenceService.builder(presenceStore, NodeId.of(name)).eventBus(bus).build();
        ChatFrames chat = new ChatFrames(r -> ChatService.builder(sessions, messages, bus, r).unlimitedMessageRate().unlimitedInvites().build());
        Gateway gateway = Gateway.builder(presence, resume,
                        (token, device) -> Optional.of(new Principal(UserId.of(token), DeviceId.of(device))))
                .module(chat).build();
        return new Node(gateway, chat, bus);
    }

    private JsonNode request(Node n, GatewayConnection c, Socket s, String json) {
        String id = "q" + ids.incrementAndGet();
        n.gateway().onText(c, json.replace("{", "{\"id\":\"" + id + "\","));
        return s.reply(id);
    }

    @Test
    void tenSecondsWithoutRedisLoseNoMessageAndNeedNoRestart() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start()) {
            ClientResources resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(200))).build();
            RedisClient client = RedisClient.create(resources, RedisURI.create(redis.uri()));
            InMemoryPresenceStore presence = new InMemoryPresenceStore();
            InMemoryResumeStore resume = new InMemoryResumeStore();
            InMemoryChatSessionStore sessions = new InMemoryChatSessionStore();
            InMemoryMessageStore messages = new InMemoryMessageStore();
            Node a = node("A", client, presence, resume, sessions, messages);
            Node b = node("B", client, presence, resume, sessions, messages);
            try {
                Socket aliceSocket = new Socket();
                GatewayConnection alice = a.gateway().open(aliceSocket);
                String token = request(a, alice, aliceSocket, "{\"type\":\"hello\",\"v\":1,\"token\":\"alice\",\"device\":\"p\"}")
                        .get("resume").asText();
                Socket bobSocket = new Socket();
                GatewayConnection bob = b.gateway().open(bobSocket);
                request(b, bob, bobSocket, "{\"type\":\"hello\",\"v\":1,\"token\":\"bob\",\"device\":\"p\"}");
                String session = request(a, alice, aliceSocket, "{\"type\":\"chat.invite\",\"to\":[\"bob\"]}")
                        .get("session").asText();
                await().atMost(Duration.ofSeconds(10)).until(() -> bobSocket.frames.stream()
                        .anyMatch(f -> "chat.session".equals(f.path("type").asText())));
                request(b, bob, bobSocket, "{\"type\":\"chat.accept\",\"session\":\"" + session + "\"}");
                request(b, bob, bobSocket, send(session, "before"));
                await().atMost(Duration.ofSeconds(10)).until(() -> aliceSocket.seqs(session).contains(1L));

                redis.kill();
                await().atMost(Duration.ofSeconds(10)).until(() -> !a.bus().health().healthy() && !b.bus().health().healthy());
                for (int i = 0; i < 3; i++) {
                    assertThat(request(b, bob, bobSocket, send(session, "during " + i)).get("type").asText()).isEqualTo("ok");
                }
                // Redis stays down for 10 s, and nothing crosses between the nodes all that time.
                await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(12))
                        .until(() -> aliceSocket.seqs(session).equals(List.of(1L)));

                redis.startServer();
                await().atMost(Duration.ofSeconds(20)).until(() -> a.bus().health().healthy() && b.bus().health().healthy());
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                    request(b, bob, bobSocket, send(session, "after " + ids.get()));
                    return aliceSocket.seqs(session).size() >= 5;
                });
                List<Long> live = aliceSocket.seqs(session);
                assertThat(live).as("live delivery resumed and the gap was filled, in order, once")
                        .startsWith(1L, 2L, 3L, 4L, 5L).doesNotHaveDuplicates().isSorted();

                // And resume (here on the other node) replays everything after the last sequence seen.
                a.gateway().onClosed(alice, 1006, "lost");
                Socket again = new Socket();
                GatewayConnection alice2 = b.gateway().open(again);
                JsonNode resumed = request(b, alice2, again, "{\"type\":\"resume\",\"v\":1,\"resume\":\"" + token
                        + "\",\"chat\":{\"sessions\":{\"" + session + "\":1}}}");
                assertThat(resumed.get("type").asText()).isEqualTo("resumed");
                long top = messages.bounds(dev.vicinity.core.SessionId.of(session)).top();
                assertThat(again.seqs(session)).containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(2, top).boxed().toList());
            } finally {
                a.bus().close();
                b.bus().close();
                client.shutdown();
                resources.shutdown().get(5, TimeUnit.SECONDS);
            }
        }
    }

    private String send(String session, String text) {
        return "{\"type\":\"chat.send\",\"session\":\"" + session + "\",\"clientId\":\"c" + ids.incrementAndGet()
                + "\",\"text\":\"" + text + "\"}";
    }

    @SuppressWarnings("unused")
    private static Map<String, Object> unused() {
        return Map.of();
    }
}
