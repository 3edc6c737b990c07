package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code chat.history}: messages after the asked sequence, oldest first, at most the limit (continue after the last one until {@code top}) (marked
 * {@code replayed}; not passed to {@code onMessage}). Immutable.
 *
 * @param top            the session's newest sequence
 * @param complete       false when history was trimmed (messages before {@code oldestRetained} are gone)
 * @param oldestRetained the oldest sequence history still holds, or null
 * @param frame          the answer as the server sent it
 */
public record HistoryPage(List<ChatMessage> messages, long top, boolean complete, @Nullable Long oldestRetained, JsonNode frame) {
    static HistoryPage of(JsonNode f) {
        List<ChatMessage> ms = new ArrayList<>();
        for (JsonNode m : f.path("messages")) {
            ms.add(new ChatMessage(m.path("session").asText(), m.path("seq").asLong(), m.path("from").asText(),
                    m.path("clientId").asText(null), m.path("text").asText(), m.path("at").asLong(), true));
        }
        return new HistoryPage(List.copyOf(ms), f.path("top").asLong(), f.path("complete").asBoolean(),
                f.hasNonNull("oldestRetained") ? f.get("oldestRetained").asLong() : null, f);
    }
}
