package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code geo.location}. Immutable.
 *
 * @param accepted     false when a newer report superseded this one ({@code reason} is then {@code "superseded"})
 * @param discoverable whether others can find the user now
 * @param reason       null, or why the report was not accepted
 * @param frame        the answer as the server sent it
 */
public record LocationResult(boolean accepted, boolean discoverable, @Nullable String reason, JsonNode frame) {
    static LocationResult of(JsonNode f) {
        return new LocationResult(f.path("accepted").asBoolean(true), f.path("discoverable").asBoolean(false),
                f.path("reason").asText(null), f);
    }
}
