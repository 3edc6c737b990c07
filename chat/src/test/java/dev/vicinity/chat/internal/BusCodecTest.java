package dev.vicinity.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BusCodecTest {
    private final SessionId session = SessionId.of("0198f1c2-aaaa-7bbb-8ccc-0123456789ab");
    private final UserId user = UserId.of("user:42@example");

    @Test
    void messageRoundTripsIncludingUnicodeAndNanos() {
        ChatMessage m = new ChatMessage(session, 9_000_000_000L, user, MessageId.of("c-1"),
                "héllo 👋 \u0000 مرحبا", Instant.parse("2026-01-01T00:00:00.123456789Z"));
        byte[] p = BusCodec.message(17, m);
        assertThat(BusCodec.type(p)).isEqualTo(BusCodec.MESSAGE);
        assertThat(BusCodec.version(p)).isEqualTo(17);
        assertThat(BusCodec.sequence(p)).isEqualTo(9_000_000_000L);
        assertThat(BusCodec.decodeMessage(session, p)).isEqualTo(m);
    }

    @Test
    void shortMessagesStayCompact() {
        ChatMessage m = new ChatMessage(session, 1, UserId.of("alice"), MessageId.of("m1"), "hi",
                Instant.EPOCH);
        // 1 type + 8 version + 8 seq + 12 time + (2+5) + (2+2) + (4+2) text
        assertThat(BusCodec.message(1, m)).hasSize(46);
    }

    @Test
    void controlPayloadsRoundTrip() {
        byte[] typing = BusCodec.typing(3, user, Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(BusCodec.type(typing)).isEqualTo(BusCodec.TYPING);
        assertThat(BusCodec.user(typing)).isEqualTo(user);
        assertThat(BusCodec.typingExpiresAt(typing)).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        byte[] read = BusCodec.read(4, user, 77);
        assertThat(BusCodec.type(read)).isEqualTo(BusCodec.READ);
        assertThat(BusCodec.sequence(read)).isEqualTo(77);
        assertThat(BusCodec.user(read)).isEqualTo(user);
        byte[] notice = BusCodec.notice(session, 5);
        assertThat(BusCodec.type(notice)).isEqualTo(BusCodec.NOTICE);
        assertThat(BusCodec.version(notice)).isEqualTo(5);
        assertThat(BusCodec.noticeSession(notice)).isEqualTo(session);
        byte[] changed = BusCodec.session(6);
        assertThat(BusCodec.type(changed)).isEqualTo(BusCodec.SESSION);
        assertThat(BusCodec.version(changed)).isEqualTo(6);
    }

    @Test
    void theMessageLayoutOnTheWireIsPinned() {
        // Nodes of different versions share the bus: these bytes must not change.
        ChatMessage m = new ChatMessage(session, 0x0102030405060708L, UserId.of("al"), MessageId.of("m1"), "hé",
                Instant.ofEpochSecond(0x0000001415161718L, 0x21222324));
        assertThat(java.util.HexFormat.of().formatHex(BusCodec.message(0x3132333435363738L, m))).isEqualTo(
                "01" + "3132333435363738" + "0102030405060708" + "0000001415161718" + "21222324"
                        + "0002" + "616c" + "0002" + "6d31" + "00000003" + "68c3a9");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "hi", "é", "€", "👋", "a\ud800b", "\udc00", "x\ud83d", "\ud83d\ud83d\udc4b",
        "héllo 👋 مرحبا \u0000 \u07ff \u0800 \uffff"})
    void textIsWrittenAsStringGetBytesWritesIt(String text) {
        ChatMessage m = new ChatMessage(session, 1, UserId.of("a"), MessageId.of("c"), text.isEmpty() ? "-" : text, Instant.EPOCH);
        byte[] p = BusCodec.message(1, m);
        byte[] expected = m.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int textAt = 1 + 8 + 8 + 12 + 2 + 1 + 2 + 1 + 4;
        assertThat(java.util.Arrays.copyOfRange(p, textAt, p.length)).isEqualTo(expected);
        assertThat(p).hasSize(textAt + expected.length);
        assertThat(BusCodec.decodeMessage(session, p).text()).isEqualTo(new String(expected, java.nio.charset.StandardCharsets.UTF_8));
    }
}
