package dev.vicinity.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The wire format: reads an inbound text frame into a validated request (a JSON object of bounded
 * size and depth, with a string {@code type} and an {@code id} of 1..64 characters) and builds and
 * writes outbound frames ({@code ok}, {@code error}, pushes). Stateless apart from its mapper;
 * thread-safe.
 */
final class FrameCodec {
    static final int MAX_ID_LENGTH = 64;

    /** Where {@link #decode} delivers a frame: a well-formed request, or why there is none. */
    interface Inbound {
        /** A JSON object with a string {@code type} and a valid {@code id}. */
        void frame(GatewayConnection c, String id, String type, JsonNode frame);

        /** The frame is refused with {@code code}; {@code re} is its id when one could be read, else null. */
        void reject(GatewayConnection c, String re, String code, String message);
    }

    private final ObjectMapper mapper;
    private final int maxFrameBytes;

    FrameCodec(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32).maxStringLength(maxFrameBytes).maxNumberLength(64).build())
                .build();
        this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    ObjectNode newObject() {
        return mapper.createObjectNode();
    }

    // ------------------------------------------------------------------ inbound

    /** Reads {@code text} and hands the result to {@code to}: exactly one call of {@code frame} or {@code reject}. */
    void decode(GatewayConnection c, String text, Inbound to) {
        if (text == null) {
            to.reject(c, null, GatewayErrorCodes.MALFORMED_FRAME, "empty frame");
            return;
        }
        if (utf8Length(text) > maxFrameBytes) {
            to.reject(c, null, GatewayErrorCodes.FRAME_TOO_LARGE, "frame exceeds " + maxFrameBytes + " bytes");
            return;
        }
        JsonNode frame;
        try {
            frame = mapper.readTree(text);
        } catch (Exception e) {
            to.reject(c, null, GatewayErrorCodes.MALFORMED_FRAME, "not valid JSON");
            return;
        }
        if (frame == null || !frame.isObject()) {
            to.reject(c, null, GatewayErrorCodes.MALFORMED_FRAME, "a frame must be a JSON object");
            return;
        }
        JsonNode idNode = frame.get("id");
        String id = idNode != null && idNode.isTextual() && !idNode.asText().isEmpty()
                && idNode.asText().length() <= MAX_ID_LENGTH ? idNode.asText() : null;
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            to.reject(c, id, GatewayErrorCodes.UNKNOWN_TYPE, "a frame needs a string type");
            return;
        }
        if (id == null) {
            to.reject(c, null, GatewayErrorCodes.MISSING_ID, "a request needs an id of 1.." + MAX_ID_LENGTH + " characters");
            return;
        }
        to.frame(c, id, typeNode.asText(), frame);
    }

    // ------------------------------------------------------------------ outbound

    /** {@code {type, re, ...body}}: a reply ({@code ok}, {@code welcome}, {@code resumed}, {@code pong}). */
    ObjectNode reply(String type, String re, ObjectNode body) {
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", type);
        frame.put("re", re);
        if (body != null) {
            frame.setAll(body);
        }
        return frame;
    }

    /** {@code {type, ...body}}: a server-initiated push. */
    ObjectNode push(String type, ObjectNode body) {
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", type);
        frame.setAll(body);
        return frame;
    }

    /**
     * {@code {type: error, re, code, message}}; {@code re} null is written as JSON null;
     * {@code retryAfterMs >= 0} adds {@code retryAfterMs} (for {@code rate_limited}).
     */
    ObjectNode error(String re, String code, String message, long retryAfterMs) {
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", "error");
        if (re == null) {
            frame.putNull("re");
        } else {
            frame.put("re", re);
        }
        frame.put("code", code);
        frame.put("message", message);
        if (retryAfterMs >= 0) {
            frame.put("retryAfterMs", retryAfterMs);
        }
        return frame;
    }

    /** The frame as JSON text. */
    String write(ObjectNode frame) throws JsonProcessingException {
        return mapper.writeValueAsString(frame);
    }

    /** UTF-8 length of {@code s} without encoding it; {@link Integer#MAX_VALUE} for anything over 4 Mi chars. */
    static int utf8Length(String s) {
        int n = s.length();
        if (n > 4 * 1024 * 1024) {
            return Integer.MAX_VALUE;
        }
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                bytes++;
            } else if (ch < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(ch)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
