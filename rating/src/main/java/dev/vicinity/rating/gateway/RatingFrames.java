package dev.vicinity.rating.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.gateway.FrameHandler;
import dev.vicinity.core.gateway.FrameModule;
import dev.vicinity.core.gateway.GatewayErrorCodes;
import dev.vicinity.core.gateway.Request;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingRequest;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.RatingSummary;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Rating in the gateway protocol: {@code rating.submit} (the authenticated user rates another
 * participant of an ended session; eligibility is checked by the rating service, so nobody can rate
 * a session they were not in) and {@code rating.summary} (a user's public score, hidden below the
 * minimum count). Individual ratings are never sent to the ratee. Thread-safe.
 */
public final class RatingFrames implements FrameModule {
    private static final int MAX_ID = 128;

    private final RatingService ratings;

    public RatingFrames(RatingService ratings) {
        this.ratings = Objects.requireNonNull(ratings, "ratings");
    }

    @Override
    public String name() {
        return "rating";
    }

    @Override
    public Map<String, FrameHandler> handlers() {
        Map<String, FrameHandler> h = new LinkedHashMap<>();
        h.put("rating.submit", this::submit);
        h.put("rating.summary", this::summary);
        return h;
    }

    private void submit(Request r) {
        SessionId session = SessionId.of(r.text("session", MAX_ID));
        UserId ratee = UserId.of(r.text("ratee", MAX_ID));
        int stars = (int) r.integer("stars", Integer.MIN_VALUE, Integer.MAX_VALUE);
        Set<String> tags = new LinkedHashSet<>();
        JsonNode t = r.frame().get("tags");
        if (t != null && !t.isNull()) {
            if (!t.isArray() || t.size() > 32) {
                throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD, "tags: expected an array of strings");
            }
            for (JsonNode tag : t) {
                if (!tag.isTextual()) {
                    throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD, "tags: expected strings");
                }
                tags.add(tag.asText());
            }
        }
        String comment = r.optionalText("comment", 10_000).orElse(null);
        String key = r.optionalText("idempotencyKey", 128).orElse(null);
        RatingResult result = ratings.submit(new RatingRequest(RatingKey.of(session, r.user(), ratee), stars, tags,
                comment, key));
        if (result instanceof RatingResult.Accepted a) {
            r.reply(r.newObject().put("state", a.rating().state().name()).put("replayed", a.replayed()));
        } else {
            RatingResult.Rejected rej = (RatingResult.Rejected) result;
            r.error(rej.code(), "rating refused: " + rej.code());
        }
    }

    private void summary(Request r) {
        RatingSummary s = ratings.summary(UserId.of(r.text("user", MAX_ID)));
        ObjectNode body = r.newObject();
        body.put("user", s.user().value());
        body.put("count", s.count());
        body.put("shown", s.shown());
        s.mean().ifPresent(v -> body.put("mean", v));
        s.bayesianMean().ifPresent(v -> body.put("score", v));
        s.lowerBound().ifPresent(v -> body.put("rankingScore", v));
        r.reply(body);
    }
}
