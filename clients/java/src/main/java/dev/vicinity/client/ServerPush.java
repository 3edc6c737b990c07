package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * The pushes other than messages and session shapes (docs/protocol.md, protocol/schema/server), each
 * delivered to its own {@link VicinityClientListener} method. Every push keeps the whole {@link #frame()}
 * for fields this version does not name. Immutable records (the frame must not be modified).
 */
public sealed interface ServerPush permits ServerPush.Typing, ServerPush.Read, ServerPush.Presence, ServerPush.RatingRevealed {
    /** The session the push is about. */
    String session();

    /** The push as the server sent it. */
    JsonNode frame();

    /** {@code chat.typing}: {@code user} is typing in {@code session} until {@code until} (epoch milliseconds). */
    record Typing(String session, String user, long until, JsonNode frame) implements ServerPush {}

    /** {@code chat.read}: {@code user} has read {@code session} up to {@code seq}. */
    record Read(String session, String user, long seq, JsonNode frame) implements ServerPush {}

    /** {@code chat.presence}: {@code user} of {@code session} is {@code online} (true) or away (false). */
    record Presence(String session, String user, boolean online, JsonNode frame) implements ServerPush {}

    /** {@code rating.revealed}: both sides of {@code session} rated; {@code rater}'s rating of {@code ratee} is visible now. */
    record RatingRevealed(String session, String rater, String ratee, JsonNode frame) implements ServerPush {}

    /** The typed push of a frame of one of the four types, or null for another type. */
    static @Nullable ServerPush of(JsonNode f) {
        String session = f.path("session").asText();
        return switch (f.path("type").asText()) {
            case "chat.typing" -> new Typing(session, f.path("user").asText(), f.path("until").asLong(), f);
            case "chat.read" -> new Read(session, f.path("user").asText(), f.path("seq").asLong(), f);
            case "chat.presence" -> new Presence(session, f.path("user").asText(), "online".equals(f.path("state").asText()), f);
            case "rating.revealed" -> new RatingRevealed(session, f.path("rater").asText(), f.path("ratee").asText(), f);
            default -> null;
        };
    }
}
