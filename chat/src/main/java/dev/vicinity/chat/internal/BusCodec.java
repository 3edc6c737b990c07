package dev.vicinity.chat.internal;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Compact binary encoding of what chat publishes on the event bus. Every payload starts with a type
 * byte and the session version the publisher read (big-endian long), so a receiver can dedup and
 * decide whether its cached session is stale without decoding the rest. Ids are ASCII by
 * construction and written as length-prefixed Latin-1; text is length-prefixed UTF-8. No JSON, no
 * reflection: a message encodes into one array (plus its text's UTF-8 bytes). Stateless and thread-safe.
 *
 * <pre>
 * MESSAGE: 1 | version:8 | sequence:8 | epochSecond:8 | nano:4 | sender | clientId | text
 * SESSION: 2 | version:8
 * TYPING:  3 | version:8 | expiresEpochMilli:8 | user
 * READ:    4 | version:8 | sequence:8 | user
 * NOTICE:  5 | version:8 | sessionId          (on user topics)
 * PRESENCE: 6 | version:8 | away:8 (1 or 0) | user
 * </pre>
 */
public final class BusCodec {
    /** Tag of a stored message. */
    public static final byte MESSAGE = 1;
    /** Tag of a session change (new version). */
    public static final byte SESSION = 2;
    /** Tag of a typing notice. */
    public static final byte TYPING = 3;
    /** Tag of a read marker. */
    public static final byte READ = 4;
    /** Tag of a "you are in a session" notice on a user topic. */
    public static final byte NOTICE = 5;
    /** Tag of a participant presence (away) change. */
    public static final byte PRESENCE = 6;

    private static final int HEADER = 1 + 8;

    private BusCodec() {}

    /** The type byte. @throws IllegalArgumentException for an empty payload */
    public static byte type(byte[] payload) {
        if (payload.length < HEADER) {
            throw new IllegalArgumentException("payload too short: " + payload.length);
        }
        return payload[0];
    }

    /** The session version the publisher saw. */
    public static long version(byte[] payload) {
        return getLong(payload, 1);
    }

    /** The sequence of a MESSAGE or READ payload. */
    public static long sequence(byte[] payload) {
        return getLong(payload, HEADER);
    }

    /** Encodes a stored message with the session version its sender saw. */
    public static byte[] message(long version, ChatMessage m) {
        String sender = m.sender().value();
        String client = m.clientId().value();
        String text = m.text();
        int textLength = utf8Length(text);
        byte[] out = new byte[HEADER + 8 + 8 + 4 + 2 + sender.length() + 2 + client.length() + 4 + textLength];
        out[0] = MESSAGE;
        LONG.set(out, 1, version);
        LONG.set(out, HEADER, m.sequence());
        LONG.set(out, HEADER + 8, m.storedAt().getEpochSecond());
        INT.set(out, HEADER + 16, m.storedAt().getNano());
        int at = putAscii(out, HEADER + 20, sender);
        at = putAscii(out, at, client);
        INT.set(out, at, textLength);
        putUtf8(out, at + 4, text);
        return out;
    }

    /** Decodes a MESSAGE payload of {@code session}. */
    public static ChatMessage decodeMessage(SessionId session, byte[] payload) {
        long seq = getLong(payload, HEADER);
        long sec = getLong(payload, HEADER + 8);
        int nano = (int) INT.get(payload, HEADER + 16);
        int at = HEADER + 20;
        int senderLength = getShort(payload, at);
        UserId sender = new UserId(new String(payload, at + 2, senderLength, StandardCharsets.ISO_8859_1));
        at += 2 + senderLength;
        int clientLength = getShort(payload, at);
        MessageId client = new MessageId(new String(payload, at + 2, clientLength, StandardCharsets.ISO_8859_1));
        at += 2 + clientLength;
        int len = (int) INT.get(payload, at);
        String text = new String(payload, at + 4, len, StandardCharsets.UTF_8);
        return new ChatMessage(session, seq, sender, client, text, Instant.ofEpochSecond(sec, nano));
    }

    /** Big-endian, as {@link ByteBuffer}'s default: the layout on the wire did not change when these replaced it. */
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private static long getLong(byte[] payload, int at) {
        return (long) LONG.get(payload, at);
    }

    private static int getShort(byte[] payload, int at) {
        return (short) SHORT.get(payload, at);
    }

    /** Whether {@code s} has a surrogate that is not part of a pair (the payload carries {@code '?'} for it). */
    public static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The length of {@code s} in UTF-8 as {@code s.getBytes(UTF_8)} writes it: a surrogate pair is 4
     * bytes, a lone surrogate is replaced by {@code '?'} (1 byte).
     */
    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (!Character.isSurrogate(c)) {
                n += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n++;
            }
        }
        return n;
    }

    /** Writes {@code s} as {@link #utf8Length} counts it (the bytes of {@code s.getBytes(UTF_8)}, without that array). */
    private static void putUtf8(byte[] out, int at, String s) {
        int o = at;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[o++] = (byte) c;
            } else if (c < 0x800) {
                out[o++] = (byte) (0xC0 | (c >> 6));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                out[o++] = (byte) (0xE0 | (c >> 12));
                out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[o++] = (byte) (0xF0 | (cp >> 18));
                out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[o++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                out[o++] = '?';
            }
        }
    }

    /** A 2-byte length, then the low byte of each char (ids are ASCII); returns the index after it. */
    private static int putAscii(byte[] out, int at, String s) {
        SHORT.set(out, at, (short) s.length());
        for (int i = 0; i < s.length(); i++) {
            out[at + 2 + i] = (byte) s.charAt(i);
        }
        return at + 2 + s.length();
    }

    /** A session-changed marker carrying the new version. */
    public static byte[] session(long version) {
        return ByteBuffer.allocate(HEADER).put(SESSION).putLong(version).array();
    }

    /** A typing indicator of {@code user} valid until {@code expiresAt}. */
    public static byte[] typing(long version, UserId user, Instant expiresAt) {
        byte[] u = ascii(user.value());
        return ByteBuffer.allocate(HEADER + 8 + 2 + u.length).put(TYPING).putLong(version)
                .putLong(expiresAt.toEpochMilli()).putShort((short) u.length).put(u).array();
    }

    /** The expiry of a TYPING payload. */
    public static Instant typingExpiresAt(byte[] payload) {
        return Instant.ofEpochMilli(ByteBuffer.wrap(payload).getLong(HEADER));
    }

    /** The user of a TYPING or READ payload. */
    public static UserId user(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.position(HEADER + 8);
        return new UserId(asciiString(b, b.getShort()));
    }

    /** A read marker of {@code user} up to {@code sequence}. */
    public static byte[] read(long version, UserId user, long sequence) {
        byte[] u = ascii(user.value());
        return ByteBuffer.allocate(HEADER + 8 + 2 + u.length).put(READ).putLong(version).putLong(sequence)
                .putShort((short) u.length).put(u).array();
    }

    /** {@code user} lost its last connection ({@code away}) or is back; read with {@link #user} and {@link #sequence} (1 = away). */
    public static byte[] presence(long version, UserId user, boolean away) {
        byte[] u = ascii(user.value());
        return ByteBuffer.allocate(HEADER + 8 + 2 + u.length).put(PRESENCE).putLong(version).putLong(away ? 1 : 0)
                .putShort((short) u.length).put(u).array();
    }

    /** A notice on a user topic: {@code session} reached {@code version}. */
    public static byte[] notice(SessionId session, long version) {
        byte[] s = ascii(session.value());
        return ByteBuffer.allocate(HEADER + 2 + s.length).put(NOTICE).putLong(version)
                .putShort((short) s.length).put(s).array();
    }

    /** The session of a NOTICE payload. */
    public static SessionId noticeSession(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.position(HEADER);
        return new SessionId(asciiString(b, b.getShort()));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @SuppressWarnings("ByteBufferBackingArray") // every buffer here is ByteBuffer.wrap(payload): offset 0
    private static String asciiString(ByteBuffer b, int len) {
        String s = new String(b.array(), b.position(), len, StandardCharsets.ISO_8859_1);
        b.position(b.position() + len);
        return s;
    }
}
