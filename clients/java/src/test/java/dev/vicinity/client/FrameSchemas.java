package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protocol's JSON Schemas (protocol/schema/, on the test class path under {@code protocol/schema/})
 * and a validator over them: any server frame, any client frame, and the {@code ok} answer to a given
 * request type. Schemas are loaded once per JVM; thread-safe.
 */
final class FrameSchemas {
    /** The {@code $id} prefix of every schema file; resolved to the class path. */
    static final String BASE = "https://vicinity.dev/protocol/schema/";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaIdResolvers(r -> r.mapPrefix(BASE, "classpath:protocol/schema/")));
    private static final Map<String, Schema> LOADED = new ConcurrentHashMap<>();

    private FrameSchemas() {}

    /** The schema at {@code path} below protocol/schema/ (e.g. {@code "server/ok/chat.send.json"}). */
    static Schema schema(String path) {
        return LOADED.computeIfAbsent(path, p -> {
            Schema s = REGISTRY.getSchema(SchemaLocation.of(BASE + p));
            s.initializeValidators();
            return s;
        });
    }

    /** Whether protocol/schema/ has a file at {@code path}. */
    static boolean exists(String path) {
        return FrameSchemas.class.getClassLoader().getResource("protocol/schema/" + path) != null;
    }

    /** Why {@code frame} is not a valid server frame (empty: valid). */
    static List<String> serverFrameErrors(JsonNode frame) {
        return errors("server-frame.json", frame);
    }

    /** Why {@code frame} is not a valid client frame (empty: valid). */
    static List<String> clientFrameErrors(JsonNode frame) {
        return errors("client-frame.json", frame);
    }

    /**
     * Why {@code answer} is not a valid answer to a request of {@code requestType}: any server frame,
     * and an {@code ok} also against server/ok/&lt;requestType&gt;.json when the request type has one.
     */
    static List<String> answerErrors(String requestType, JsonNode answer) {
        List<String> errors = new ArrayList<>(serverFrameErrors(answer));
        String ok = "server/ok/" + requestType + ".json";
        if ("ok".equals(answer.path("type").asText()) && exists(ok)) {
            errors.addAll(errors(ok, answer));
        }
        return errors;
    }

    static List<String> errors(String path, JsonNode frame) {
        return messages(schema(path).validate(frame), path);
    }

    /** The raw validator errors (keyword, location) against the schema at {@code path}. */
    static List<Error> validate(String path, JsonNode frame) {
        return schema(path).validate(frame);
    }

    private static List<String> messages(List<Error> errors, String path) {
        List<String> out = new ArrayList<>();
        for (Error e : errors) {
            out.add(path + ": " + e.getInstanceLocation() + " " + e.getMessage() + " [" + e.getEvaluationPath() + "]");
        }
        return out;
    }
}
