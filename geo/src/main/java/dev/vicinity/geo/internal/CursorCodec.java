package dev.vicinity.geo.internal;

import dev.vicinity.core.UserId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.OptionalInt;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Opaque, tamper-proof pagination cursors. A cursor carries only an offset and its issue time; an
 * HMAC-SHA256 tag (truncated to 128 bits) binds it to the querier and the query parameters, so it
 * cannot be forged, replayed by another user, reused with another radius, or used to choose a
 * search centre (there is none in it). Thread-safe; O(1) per call plus one HMAC.
 */
public final class CursorCodec {
    private static final byte VERSION = 1;
    private static final int TAG_BYTES = 16;
    private static final int PAYLOAD_BYTES = 1 + 4 + 8;

    private final SecretKeySpec key;
    /**
     * An initialised MAC that is never used itself, only cloned: a clone skips the provider lookup
     * and key setup of {@code Mac.getInstance} + {@code init}, which cost more than the HMAC of a
     * short input. Null if the provider's MAC cannot be cloned (then every call builds its own).
     */
    private final @Nullable Mac prototype;

    /** A codec signing with {@code secret} (at least 16 bytes; share it between nodes). */
    public CursorCodec(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("cursor secret must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        Mac proto = newMac();
        try {
            Object probe = proto.clone(); // only asks whether the provider's Mac can be cloned
            assert probe != null;
        } catch (CloneNotSupportedException e) {
            proto = null;
        }
        this.prototype = proto;
    }

    /** Encodes a cursor for the page starting at {@code offset}. */
    public String encode(UserId querier, String queryShape, int offset, long issuedAtEpochSecond) {
        ByteBuffer buf = ByteBuffer.allocate(PAYLOAD_BYTES + TAG_BYTES);
        buf.put(VERSION).putInt(offset).putLong(issuedAtEpochSecond);
        byte[] payload = Arrays.copyOf(buf.array(), PAYLOAD_BYTES);
        buf.put(tag(querier, queryShape, payload));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
    }

    /**
     * Decodes and verifies a cursor.
     *
     * @return the offset, or empty if the cursor is malformed, forged, issued for another querier or
     *     query shape, or older than {@code maxAgeSeconds} at {@code nowEpochSecond}
     */
    public OptionalInt decode(String cursor, UserId querier, String queryShape, long nowEpochSecond, long maxAgeSeconds) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            return OptionalInt.empty();
        }
        if (raw.length != PAYLOAD_BYTES + TAG_BYTES || raw[0] != VERSION) {
            return OptionalInt.empty();
        }
        byte[] payload = Arrays.copyOf(raw, PAYLOAD_BYTES);
        byte[] tag = Arrays.copyOfRange(raw, PAYLOAD_BYTES, raw.length);
        if (!MessageDigest.isEqual(tag, tag(querier, queryShape, payload))) {
            return OptionalInt.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(payload, 1, PAYLOAD_BYTES - 1);
        int offset = buf.getInt();
        long issuedAt = buf.getLong();
        if (offset < 0 || issuedAt > nowEpochSecond + 60 || nowEpochSecond - issuedAt > maxAgeSeconds) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(offset);
    }

    /** A secret-keyed 64-bit hash of {@code text}, for tie-breaks that nobody can predict or game. */
    public long keyedHash(String text) {
        byte[] t = mac(text.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(t).getLong();
    }

    private byte[] tag(UserId querier, String queryShape, byte[] payload) {
        byte[] q = querier.value().getBytes(StandardCharsets.UTF_8);
        byte[] s = queryShape.getBytes(StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.allocate(4 + q.length + 4 + s.length + payload.length);
        in.putInt(q.length).put(q).putInt(s.length).put(s).put(payload);
        return Arrays.copyOf(mac(in.array()), TAG_BYTES);
    }

    private byte[] mac(byte[] input) {
        Mac mac;
        if (prototype == null) {
            mac = newMac();
        } else {
            try {
                mac = (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                mac = newMac();
            }
        }
        return mac.doFinal(input);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
