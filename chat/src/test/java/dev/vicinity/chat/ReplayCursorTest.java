package dev.vicinity.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.memory.InMemoryChatSessionStore;
import dev.vicinity.chat.memory.InMemoryMessageStore;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one cursor: live classification, gap fill from history, truncation. */
class ReplayCursorTest {
    private final InMemoryChatSessionStore sessions = new InMemoryChatSessionStore();
    private final InMemoryMessageStore messages = new InMemoryMessageStore();
    private final SessionId id = SessionId.of("s1");
    private final UserId alice = UserId.of("alice");

    private void store(int n) {
        for (int i = 0; i < n; i++) {
            messages.append(id, alice, MessageId.of("c" + i), "m" + i, Instant.EPOCH);
        }
    }

    private ReplayCursor cursor(long seen, int pageSize) {
        return new ReplayCursor(sessions, messages, VicinityListener.NO_OP, id, null, seen, seen, pageSize);
    }

    @Test
    void classifiesLiveMessagesAndFillsAGapInPages() {
        store(10);
        ReplayCursor c = cursor(2, 3);
        assertThat(c.offer(2)).isEqualTo(ReplayCursor.Offer.SEEN);
        assertThat(c.offer(3)).isEqualTo(ReplayCursor.Offer.NEXT);
        c.advanceTo(3);
        assertThat(c.offer(10)).isEqualTo(ReplayCursor.Offer.GAP);
        assertThat(c.end()).isEqualTo(9);
        assertThat(c.nextPage()).extracting(ChatMessage::sequence).containsExactly(4L, 5L, 6L);
        assertThat(c.nextPage()).extracting(ChatMessage::sequence).containsExactly(7L, 8L, 9L);
        assertThat(c.hasNext()).isFalse();
        assertThat(c.complete()).isTrue();
        c.advanceTo(10);
        assertThat(c.offer(10)).isEqualTo(ReplayCursor.Offer.SEEN);
        assertThat(c.position()).isEqualTo(10);
    }

    @Test
    void stopsTruncatedWhenHistoryWasTrimmedAndRestartsOnTheNextGap() {
        store(10);
        messages.trim(id, 5);
        ReplayCursor c = cursor(2, 100);
        assertThat(c.offer(8)).isEqualTo(ReplayCursor.Offer.GAP);
        assertThat(c.nextPage()).isEmpty();
        assertThat(c.truncated()).isTrue();
        assertThat(c.complete()).isFalse();
        c.advanceTo(8); // the reader was told to resync, then got 8 live
        assertThat(c.offer(10)).isEqualTo(ReplayCursor.Offer.GAP);
        assertThat(c.truncated()).isFalse();
        assertThat(c.nextPage()).extracting(ChatMessage::sequence).containsExactly(9L);
        assertThat(c.complete()).isTrue();
    }
}
