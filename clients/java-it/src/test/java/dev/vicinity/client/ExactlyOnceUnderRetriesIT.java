package dev.vicinity.client;

import static dev.vicinity.client.RecordingClient.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The ack of a {@code chat.send} is lost: the proxy cuts Alice's connection when the server's first
 * frame about the stored message passes (its {@code ok} or the message's push; the message is stored,
 * Alice never hears so). Her client resumes and sends the message again with the same client id; Bob
 * sees it once, Alice's stage completes once with the stored sequence, and the session's sequences have
 * no gap and no repeat.
 *
 * <p>How often the message goes out depends on when the client notices the cut: at once when the socket
 * reports its end, or only after the missing pong when the JDK's WebSocket loses that end (it can, when
 * the end arrives while a frame is being delivered); meanwhile the request may time out and be retried
 * on the dead socket. Every transmission carries the same client id, and the last follows the resume.
 */
class ExactlyOnceUnderRetriesIT extends ServerJarTest {
    @Test
    void aMessageWhoseAckIsLostIsRetriedWithItsClientIdAndStoredAndDeliveredOnce() throws Exception {
        ServerJar server = started.add(ServerJar.start("exactly-once", "--backend", "memory"));
        DropProxy proxy = started.add(new DropProxy(server.port()));
        List<String> aliceSent = new CopyOnWriteArrayList<>();
        ClientTransport.Factory jdk = JdkWebSocketTransport.factory();
        RecordingClient alice = started.add(RecordingClient.connect(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"), "alice",
                b -> b.transport((uri, listener) -> {
                    ClientTransport t = jdk.open(uri, listener);
                    return new ClientTransport() {
                        @Override
                        public boolean send(String text) {
                            aliceSent.add(text);
                            return t.send(text);
                        }

                        @Override
                        public void close(int code, String reason) {
                            t.close(code, reason);
                        }
                    };
                })));
        RecordingClient bob = started.add(RecordingClient.connect(server.port(), "bob"));
        get(alice.client.updateLocation(52.5200, 13.4050, Map.of()));
        get(bob.client.updateLocation(52.5201, 13.4051, Map.of()));
        String session = get(alice.client.invite(List.of(bob.user()))).session();
        get(bob.client.accept(session));
        get(alice.client.sendMessage(session, "before").result());

        proxy.cutWhenServerSends("\"seq\":2");
        VicinityClient.Send send = alice.client.sendMessage(session, "exactly once");
        AtomicInteger completions = new AtomicInteger();
        send.result().whenComplete((r, e) -> completions.incrementAndGet());
        SendResult result = get(send.result());

        assertThat(proxy.sprung()).as("the answer never reached Alice").isTrue();
        assertThat(result.seq()).isEqualTo(2);
        assertThat(alice.states).anyMatch(s -> s.status() == ConnectionState.Status.CONNECTED && s.resumed());
        List<JsonNode> sends = new ArrayList<>();
        int lastSend = -1;
        for (int i = 0; i < aliceSent.size(); i++) {
            JsonNode f = RawClient.JSON.readTree(aliceSent.get(i));
            if (f.path("type").asText().equals("chat.send") && f.path("text").asText().equals("exactly once")) {
                sends.add(f);
                lastSend = i;
            }
        }
        String all = "Alice sent " + aliceSent + "; states " + alice.states;
        assertThat(sends).as("sent, then retried after the resume; " + all).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(f -> f.path("clientId").asText().equals(send.clientId()));
        int resume = indexOf(aliceSent, "\"type\":\"resume\"");
        assertThat(resume).as("a resume; " + all).isPositive();
        assertThat(lastSend).as("the last send follows the first resume; " + all)
                .isGreaterThan(resume);
        List<OutboxEntry> changes = alice.outboxOf(send.clientId());
        assertThat(changes).filteredOn(e -> e.state() == OutboxEntry.State.ACKED).hasSize(1);
        assertThat(changes.get(changes.size() - 1).attempts()).isEqualTo(sends.size());

        // A later message proves both streams went past it: nothing more of it arrives.
        get(alice.client.sendMessage(session, "after").result());
        await().atMost(RecordingClient.TIMEOUT).until(() -> bob.texts().contains("after") && alice.texts().contains("after"));
        for (RecordingClient u : List.of(alice, bob)) {
            assertThat(u.texts()).containsExactly("before", "exactly once", "after");
            assertThat(u.messages).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L);
        }
        assertThat(bob.messages).filteredOn(m -> m.text().equals("exactly once"))
                .extracting(ChatMessage::clientId).containsExactly(send.clientId());
        assertThat(completions).hasValue(1);
    }

    private static int indexOf(List<String> frames, String part) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
