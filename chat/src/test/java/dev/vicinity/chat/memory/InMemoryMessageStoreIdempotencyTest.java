package dev.vicinity.chat.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's flat idempotency index (open addressing, backward-shift deletion on trim)
 * against a plain map model: many appends with repeated client ids, trims at random points, growth.
 */
class InMemoryMessageStoreIdempotencyTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    record Key(UserId sender, MessageId clientId) {}

    @Test
    void duplicatesAreFoundExactlyWhileRetainedAndForgottenWithTheirTrimmedMessages() {
        InMemoryMessageStore store = new InMemoryMessageStore();
        SplittableRandom rnd = new SplittableRandom(17);
        SessionId session = SessionId.of("s1");
        UserId[] senders = {UserId.of("a"), UserId.of("b"), UserId.of("c")};
        Map<Key, Long> retained = new HashMap<>();
        ArrayDeque<Key> order = new ArrayDeque<>();
        long top = 0;
        for (int op = 0; op < 30_000; op++) {
            if (rnd.nextInt(200) == 0 && !order.isEmpty()) {
                long upto = top - rnd.nextInt(1 + Math.min(400, order.size()));
                long removed = store.trim(session, upto);
                long expectedRemoved = 0;
                while (!order.isEmpty() && retained.get(order.peekFirst()) <= upto) {
                    retained.remove(order.pollFirst());
                    expectedRemoved++;
                }
                assertThat(removed).isEqualTo(expectedRemoved);
                continue;
            }
            UserId sender = senders[rnd.nextInt(senders.length)];
            MessageId clientId = MessageId.of("m" + rnd.nextInt(2_000));
            Key key = new Key(sender, clientId);
            AppendResult r = store.append(session, sender, clientId, "t" + op, T);
            ChatMessage m = r.message();
            Long known = retained.get(key);
            if (known != null) {
                assertThat(r.created()).isFalse();
                assertThat(m.sequence()).isEqualTo(known);
            } else {
                assertThat(r.created()).isTrue();
                assertThat(m.sequence()).isEqualTo(++top);
                retained.put(key, top);
                order.addLast(key);
            }
            assertThat(m.sender()).isEqualTo(sender);
            assertThat(m.clientId()).isEqualTo(clientId);
        }
        assertThat(store.retainedCount()).isEqualTo(retained.size());
    }
}
