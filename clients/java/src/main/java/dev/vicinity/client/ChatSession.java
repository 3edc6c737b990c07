package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A chat session as the server shows it to this user (the session shape of docs/protocol.md): the
 * answer of {@code chat.invite}, {@code chat.accept}, {@code chat.decline} and {@code chat.leave}.
 * Immutable (the frame must not be modified).
 *
 * @param endReason null unless {@code state} is {@code ENDED}
 * @param timeoutAt when an invite expires or an idle session is checked (epoch milliseconds), or null
 * @param frame     the answer as the server sent it, for fields this version does not name
 */
public record ChatSession(String session, String state, @Nullable String endReason, String inviter, long version,
        List<Participant> participants, @Nullable Long timeoutAt, JsonNode frame) {

    /** One participant: {@code state} is the member state, {@code lastRead} the last sequence it read. */
    public record Participant(String user, String state, long lastRead) {}

    static ChatSession of(JsonNode f) {
        List<Participant> ps = new ArrayList<>();
        for (JsonNode p : f.path("participants")) {
            ps.add(new Participant(p.path("user").asText(), p.path("state").asText(), p.path("lastRead").asLong()));
        }
        return new ChatSession(f.path("session").asText(), f.path("state").asText(), f.path("endReason").asText(null),
                f.path("inviter").asText(), f.path("version").asLong(), List.copyOf(ps),
                f.hasNonNull("timeoutAt") ? f.get("timeoutAt").asLong() : null, f);
    }
}
