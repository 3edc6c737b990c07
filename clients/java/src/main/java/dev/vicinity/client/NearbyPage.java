package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code geo.nearby}: one page of nearby users, nearest first. Immutable.
 *
 * @param cursor the next page's cursor, or null on the last page
 * @param frame  the answer as the server sent it
 */
public record NearbyPage(List<User> users, @Nullable String cursor, JsonNode frame) {

    /** A nearby user: {@code distance} is a bucket label ({@code "< 500 m"}), never exact; {@code score} null when the host gives none. */
    public record User(String user, String distance, int bucket, boolean online, @Nullable Double score) {}

    static NearbyPage of(JsonNode f) {
        List<User> us = new ArrayList<>();
        for (JsonNode u : f.path("users")) {
            us.add(new User(u.path("user").asText(), u.path("distance").asText(), u.path("bucket").asInt(),
                    u.path("online").asBoolean(), u.hasNonNull("score") ? u.get("score").asDouble() : null));
        }
        return new NearbyPage(List.copyOf(us), f.path("cursor").asText(null), f);
    }
}
