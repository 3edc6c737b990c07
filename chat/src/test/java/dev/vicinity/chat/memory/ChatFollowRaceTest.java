package dev.vicinity.chat.memory;

import static dev.vicinity.chat.memory.ChatFixture.ALICE;
import static dev.vicinity.chat.memory.ChatFixture.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.MessageId;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** A message sent after node b hears of a session but before its delivery executor follows it. */
class ChatFollowRaceTest {
    private final ChatFixture fx = new ChatFixture();
    private final Queue<Runnable> queued = new ConcurrentLinkedQueue<>();

    private void runQueued() {
        for (Runnable r; (r = queued.poll()) != null; ) {
            r.run();
        }
    }

    @Test
    void aMessageSentBeforeTheNodeFollowsTheSessionIsDeliveredWhenItDoes() {
        ChatFixture.Node a = fx.node("a", ChatService.Builder::unlimitedMessageRate);
        ChatFixture.Node b = fx.node("b", x -> x.unlimitedMessageRate().deliveryExecutor(queued::add));
        ConnectionId bobOnB = b.conns().connect(BOB);
        b.chat().attach(BOB);

        ChatSession s = a.chat().invite(ALICE, List.of(BOB)); // notice queued on b's executor
        a.chat().accept(s.id(), BOB);
        a.chat().send(s.id(), ALICE, MessageId.of("m1"), "first");   // b not subscribed yet
        runQueued();                                                  // b follows: subscribe, top = 1
        a.chat().send(s.id(), ALICE, MessageId.of("m2"), "second");
        runQueued();

        // Bob on b gets message 1 from history when b starts following, then message 2 live.
        assertThat(b.conns().sequences(bobOnB)).containsExactly(1L, 2L);
    }
}
