package dev.vicinity.gateway;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The wire format: reads an inbound text frame into a validated request (a JSON object of bounded
 * size and depth, with a string {@code type} and an {@code id} of 1..64 characters) and builds and
 * writes outbound frames ({@code ok}, {@code error}, pushes). Thread-safe.
 *
 * <p>Outbound frames are written with Jackson's streaming generator as UTF-8 into a buffer of the
 * writing thread (one generator per thread, reused frame after frame), so the frame's exact UTF-8
 * length comes for free with its text and no tree is built for the frame itself. Text is identical to
 * what {@code writeValueAsString} of the same tree gave (surrogate pairs stay characters, not escapes).
 */
final class FrameCodec {
    static final int MAX_ID_LENGTH = 64;

    /** Where {@link #decode} delivers a frame: a well-formed request, or why there is none. */
    interface Inbound {
        /** A JSON object with a string {@code type} and a valid {@code id}. */
        void frame(GatewayConnection c, String id, String type, JsonNode frame);

        /** The frame is refused with {@code code}; {@code re} is its id when one could be read, else null. */
        void reject(GatewayConnection c, @Nullable String re, String code, String message);
    }

    /** An outbound frame: its JSON text and the exact length of that text in UTF-8. */
    record Encoded(String text, int bytes) {}

    private final ObjectMapper mapper;
    /**
     * Settings that change how {@code readTree} builds a tree; with any of them on (a host reconfigured
     * {@link Gateway#mapper()}), {@link #readFrame} leaves the frame to {@code readTree}.
     */
    private static final int TREE_FEATURES = DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY.getMask()
            | DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS.getMask()
            | DeserializationFeature.USE_BIG_INTEGER_FOR_INTS.getMask()
            | DeserializationFeature.USE_LONG_FOR_INTS.getMask();
    private final int maxFrameBytes;
    /** Writes outbound frames: UTF-8, surrogate pairs as characters (as the text writer did), no root separator. */
    private final JsonFactory outFactory = new JsonFactoryBuilder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).rootValueSeparator((String) null).build();
    @SuppressWarnings("ThreadLocalUsage") // per codec on purpose: each codec has its own JsonFactory
    private final ThreadLocal<FrameWriter> writers = new ThreadLocal<>();

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
        if (text.length() > maxFrameBytes || (text.length() > maxFrameBytes / 3 && utf8Length(text) > maxFrameBytes)) {
            // At least one byte and at most three per UTF-16 unit: the exact count only near the bound.
            to.reject(c, null, GatewayErrorCodes.FRAME_TOO_LARGE, "frame exceeds " + maxFrameBytes + " bytes");
            return;
        }
        JsonNode frame;
        try {
            frame = readFrame(text);
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

    /**
     * The frame's tree, as {@code mapper.readTree(text)} would give it (same nodes, same duplicate-key
     * rule: the last wins; trailing tokens refused), read with the streaming parser into an object whose
     * fields sit in a {@link SmallFieldMap}: no deserialisation context, no hash table. Nested values
     * (arrays, objects) are read by the mapper, and the whole frame is when the mapper's tree settings
     * are not the defaults. Anything but an object at the root goes to
     * {@code readTree} itself, so its answer (null, a scalar...) and its errors stay the same.
     */
    @Nullable JsonNode readFrame(String text) throws IOException {
        DeserializationConfig cfg = mapper.getDeserializationConfig();
        if (cfg.hasSomeOfFeatures(TREE_FEATURES) || !cfg.isEnabled(JsonNodeFeature.READ_NULL_PROPERTIES)) {
            return mapper.readTree(text); // a host changed how trees are read (Gateway.mapper() is public)
        }
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return mapper.readTree(text);
            }
            ObjectNode frame = new ObjectNode(mapper.getNodeFactory(), new SmallFieldMap());
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    throw new JsonParseException(p, "expected a field name");
                }
                String name = p.currentName();
                frame.set(name, value(p, p.nextToken()));
            }
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "trailing tokens after the frame");
            }
            return frame;
        }
    }

    private JsonNode value(JsonParser p, @Nullable JsonToken t) throws IOException {
        if (t == null) {
            throw new JsonParseException(p, "unexpected end of input");
        }
        var nodes = mapper.getNodeFactory();
        return switch (t) {
            case VALUE_STRING -> nodes.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> nodes.numberNode(p.getIntValue());
                case LONG -> nodes.numberNode(p.getLongValue());
                default -> nodes.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            case VALUE_NULL -> nodes.nullNode();
            case START_ARRAY, START_OBJECT -> mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(p);
            default -> throw new JsonParseException(p, "unexpected token " + t);
        };
    }

    // ------------------------------------------------------------------ outbound

    /** {@code {type, re, ...body}}: a reply ({@code ok}, {@code welcome}, {@code resumed}, {@code pong}). */
    Encoded reply(String type, @Nullable String re, @Nullable ObjectNode body) throws IOException {
        FrameWriter w = writer();
        try {
            JsonGenerator g = w.begin();
            if (shadows(body)) {
                ObjectNode frame = mapper.createObjectNode().put("type", type).put("re", re);
                writeFields(g, frame.setAll(body));
            } else {
                g.writeStringField("type", type);
                g.writeStringField("re", re);
                writeFields(g, body);
            }
            return w.end();
        } finally {
            w.done();
        }
    }

    /** {@code {type, ...body}}: a server-initiated push. */
    Encoded push(String type, ObjectNode body) throws IOException {
        FrameWriter w = writer();
        try {
            JsonGenerator g = w.begin();
            if (shadows(body)) {
                writeFields(g, mapper.createObjectNode().put("type", type).setAll(body));
            } else {
                g.writeStringField("type", type);
                writeFields(g, body);
            }
            return w.end();
        } finally {
            w.done();
        }
    }

    /** {@code {type, re, ...fields}}: a reply whose fields the caller writes. */
    Encoded reply(String type, String re, FrameFields fields) throws IOException {
        FrameWriter w = writer();
        try {
            JsonGenerator g = w.begin();
            g.writeStringField("type", type);
            g.writeStringField("re", re);
            fields.write(g);
            return w.end();
        } finally {
            w.done();
        }
    }

    /**
     * {@code {type, ...fields}}: a server-initiated push whose fields the caller writes. The text of
     * this thread's last push is reused when {@code fields} says it is the same frame
     * ({@link FrameFields#sameFrameAs}).
     */
    Encoded push(String type, FrameFields fields) throws IOException {
        FrameWriter w = writer();
        try {
            FrameFields lastFields = w.lastFields;
            Encoded last = w.lastPush;
            if (last != null && lastFields != null && type.equals(w.lastType) && fields.sameFrameAs(lastFields)) {
                w.ended = true;
                return last;
            }
            JsonGenerator g = w.begin();
            g.writeStringField("type", type);
            fields.write(g);
            Encoded e = w.end();
            boolean keep = e.bytes() <= FrameWriter.KEEP_BYTES; // a rare large frame is not pinned per thread
            w.lastType = keep ? type : null;
            w.lastFields = keep ? fields : null;
            w.lastPush = keep ? e : null;
            return e;
        } finally {
            w.done();
        }
    }

    /**
     * {@code {type: error, re, code, message}}; {@code re} null is written as JSON null;
     * {@code retryAfterMs >= 0} adds {@code retryAfterMs} (for {@code rate_limited}).
     */
    Encoded error(@Nullable String re, String code, String message, long retryAfterMs) throws IOException {
        FrameWriter w = writer();
        try {
            JsonGenerator g = w.begin();
            g.writeStringField("type", "error");
            g.writeStringField("re", re);
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            if (retryAfterMs >= 0) {
                g.writeNumberField("retryAfterMs", retryAfterMs);
            }
            return w.end();
        } finally {
            w.done();
        }
    }

    /**
     * Whether {@code body} sets {@code type} or {@code re} itself: then its value wins in the gateway's
     * place, as when the frame was a tree the body was merged into.
     */
    private static boolean shadows(@Nullable ObjectNode body) {
        return body != null && (body.has("type") || body.has("re"));
    }

    /** The fields of {@code body}, in order, as {@code writeValueAsString} of a tree holding them wrote them. */
    private void writeFields(JsonGenerator g, @Nullable ObjectNode body) throws IOException {
        if (body == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            g.writeFieldName(e.getKey());
            JsonNode v = e.getValue();
            if (v instanceof ValueNode && !v.isPojo()) {
                v.serialize(g, null); // scalars need no serializer provider
            } else {
                mapper.writeTree(g, v);
            }
        }
    }

    /** This thread's writer, or a fresh one if this thread is already writing a frame (a push from a field writer). */
    private FrameWriter writer() throws IOException {
        FrameWriter w = writers.get();
        if (w == null || w.busy) {
            FrameWriter fresh = new FrameWriter(outFactory);
            if (w == null) {
                writers.set(fresh);
            }
            w = fresh;
        }
        w.busy = true;
        return w;
    }

    /**
     * One thread's generator and the buffer it writes into, reused frame after frame: each frame is one
     * root value, flushed and turned into a string. A frame that failed half-way discards the
     * generator (its state is unknown); the next frame starts a new one.
     */
    private static final class FrameWriter {
        /** A buffer grown past this is dropped after the frame, so a rare large frame does not pin memory per thread. */
        private static final int KEEP_BYTES = 64 * 1024;
        private final JsonFactory factory;
        private final Sink sink = new Sink();
        private @Nullable JsonGenerator g;
        boolean busy;
        private boolean ended;
        /** This thread's last push written from {@link FrameFields}, for {@link FrameFields#sameFrameAs}. */
        @Nullable String lastType;
        @Nullable FrameFields lastFields;
        @Nullable Encoded lastPush;

        FrameWriter(JsonFactory factory) {
            this.factory = factory;
        }

        JsonGenerator begin() throws IOException {
            sink.length = 0;
            ended = false;
            if (g == null) {
                g = factory.createGenerator(sink, JsonEncoding.UTF8);
            }
            g.writeStartObject();
            return g;
        }

        @SuppressWarnings("NullAway") // begin() created the generator
        Encoded end() throws IOException {
            g.writeEndObject();
            g.flush();
            ended = true;
            return new Encoded(new String(sink.bytes, 0, sink.length, StandardCharsets.UTF_8), sink.length);
        }

        void done() {
            if (!ended) {
                g = null; // failed half-way: the generator's context is mid-object
            }
            if (sink.bytes.length > KEEP_BYTES) {
                sink.bytes = new byte[1024];
            }
            busy = false;
        }
    }

    /** A growable byte buffer the generator flushes into. */
    private static final class Sink extends OutputStream {
        byte[] bytes = new byte[1024];
        int length;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[length++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
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
