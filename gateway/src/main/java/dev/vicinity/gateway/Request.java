package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.vicinity.core.InvalidInputException;
import java.util.Optional;

/**
 * One request frame from an authenticated connection, with typed accessors that answer bad input
 * with {@link InvalidInputException} (code {@code invalid_field}), and the reply channel. Exactly one
 * reply or error is sent per request; if the handler sends neither, the gateway replies with an empty
 * success. Not thread-safe: use it on the handler's thread.
 */
public interface Request extends ClientContext {

    /** The frame type, e.g. {@code chat.send}. */
    String type();

    /** The client's request id, echoed as {@code re} in the reply. */
    String id();

    /** The whole frame as parsed (unknown fields included; modules ignore what they do not know). */
    JsonNode frame();

    /** A required string field, 1..{@code maxLength} characters. */
    String text(String field, int maxLength);

    /** An optional string field of at most {@code maxLength} characters. */
    Optional<String> optionalText(String field, int maxLength);

    /** A required integral field within [min, max]. */
    long integer(String field, long min, long max);

    /** A required finite number (JSON number only; strings are refused). */
    double number(String field);

    /** An optional boolean field (default when absent). */
    boolean bool(String field, boolean defaultValue);

    /** Replies with success and the fields of {@code body} ({@code type}, {@code re} are set by the gateway). */
    void reply(ObjectNode body);

    /**
     * Replies with success and the fields {@code fields} writes after the gateway wrote {@code type}
     * and {@code re} (no tree is built: for hot requests). {@code fields} must not write {@code type} or
     * {@code re}. The default builds the tree and calls {@link #reply(ObjectNode)} (for implementations
     * written before this method); the gateway's own requests write the frame directly.
     */
    default void replyFields(FrameFields fields) {
        ObjectMapper mapper = new ObjectMapper();
        try (TokenBuffer buffer = new TokenBuffer(mapper, false)) {
            buffer.writeStartObject();
            fields.write(buffer);
            buffer.writeEndObject();
            reply((ObjectNode) mapper.readTree(buffer.asParser()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replies with an error frame {@code {re, code, message}}; the connection stays open. */
    void error(String code, String message);
}
