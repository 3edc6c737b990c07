package dev.vicinity.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/** {@link FrameFields} collected into a tree, for a {@link ClientContext} that only pushes trees. Thread-safe. */
final class FrameFieldsTree {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FrameFieldsTree() {}

    static ObjectNode collect(ObjectNode into, FrameFields fields) {
        try (TokenBuffer buffer = new TokenBuffer(MAPPER, false)) {
            buffer.writeStartObject();
            fields.write(buffer);
            buffer.writeEndObject();
            try (JsonParser p = buffer.asParser()) {
                JsonNode tree = MAPPER.readTree(p);
                return into.setAll((ObjectNode) tree);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
