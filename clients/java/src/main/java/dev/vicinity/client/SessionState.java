package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What the client knows of one session. Touched on the client's scheduler thread only. */
final class SessionState {
    final String id;
    long lastSeq;
    long version;
    @Nullable JsonNode shape;
    final Map<Long, Buffered> buffer = new HashMap<>();
    boolean filling;
    long fillTarget;

    SessionState(String id, long baseline) {
        this.id = id;
        this.lastSeq = baseline;
    }

    /** Sessions that can still change first (they matter most for a resume capped at 100 entries). */
    static int rank(SessionState s) {
        String st = s.shape == null ? null : s.shape.path("state").asText(null);
        return "ACTIVE".equals(st) ? 0 : st == null || "INVITED".equals(st) ? 1 : 2;
    }
}
