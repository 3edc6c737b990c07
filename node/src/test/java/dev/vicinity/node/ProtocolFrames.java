package dev.vicinity.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.vicinity.node.testing.HarnessClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates what a {@link HarnessClient} received against protocol/schema/server-frame.json (on the
 * test class path). HarnessClient is main code and stays free of the validator; node tests call this
 * instead. Thread-safe.
 */
public final class ProtocolFrames {
    private static final String BASE = "https://vicinity.dev/protocol/schema/";
    private static final Schema SERVER_FRAME = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaIdResolvers(r -> r.mapPrefix(BASE, "classpath:protocol/schema/")))
            .getSchema(SchemaLocation.of(BASE + "server-frame.json"));

    private ProtocolFrames() {}

    /** Fails with every frame any of {@code clients} received that violates the server-frame schema. */
    public static void assertValid(HarnessClient... clients) {
        List<String> violations = new ArrayList<>();
        for (HarnessClient c : clients) {
            for (JsonNode frame : c.frames()) {
                for (Error e : SERVER_FRAME.validate(frame)) {
                    violations.add(c + " received " + frame + ": " + e.getInstanceLocation() + " " + e.getMessage());
                }
            }
        }
        if (!violations.isEmpty()) {
            throw new AssertionError("frames violating protocol/schema/server-frame.json:\n" + String.join("\n", violations));
        }
    }
}
