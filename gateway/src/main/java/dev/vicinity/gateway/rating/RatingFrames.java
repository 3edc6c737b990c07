package dev.vicinity.gateway.rating;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.Subscription;
import dev.vicinity.gateway.FrameHandler;
import dev.vicinity.gateway.FrameModule;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.GatewayErrorCodes;
import dev.vicinity.gateway.Request;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingRejection;
import dev.vicinity.rating.RatingRequest;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.RatingSummary;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Rating in the gateway protocol: {@code rating.submit} (the authenticated user rates another
 * participant of an ended session; eligibility is checked by the rating service, so nobody can rate
 * a session they were not in), {@code rating.summary} (a user's public score, hidden below the
 * minimum count) and {@code rating.session} (the ratings of one session the user may see: their own,
 * and those about them once revealed); push {@code rating.revealed} when a sealed rating is revealed.
 * A sealed rating never reaches the ratee. Thread-safe.
 */
public final class RatingFrames implements FrameModule {
    /** Longest string read for an id field; the id syntax (1..128 characters) is checked after, as {@code invalid_id}. */
    private static final int ID_TEXT = 64 * 1024;

    /** Bus topic carrying revealed ratings to every node (one topic; each node pushes to its local connections). */
    public static final String REVEALED_TOPIC = "vicinity.rating.revealed";

    private final RatingService ratings;
    private final @Nullable EventBus bus;
    @SuppressWarnings("NullAway.Init") // set when the module is bound to its gateway, before any frame
    private volatile Gateway gateway;
    private @Nullable Subscription subscription;

    /** A module for one node, pushing {@code rating.revealed} to connections of this node only. */
    public RatingFrames(RatingService ratings) {
        this(ratings, null);
    }

    /**
     * A module that also carries {@code rating.revealed} pushes between nodes over {@code bus} (pass
     * the deployment's event bus on more than one node; null for a single node).
     */
    public RatingFrames(RatingService ratings, @Nullable EventBus bus) {
        this.ratings = Objects.requireNonNull(ratings, "ratings");
        this.bus = bus;
    }

    @Override
    public void onStart(Gateway g) {
        this.gateway = g;
        if (bus != null) {
            subscription = bus.subscribe(REVEALED_TOPIC, (topic, payload) -> onRemoteReveal(payload));
        }
        ratings.onRevealed(this::revealed);
    }

    @Override
    public void describeLimits(ObjectNode limits) {
        limits.put("maxCommentLength", ratings.maxCommentLength());
        limits.put("commentLengthUnit", "codePoints");
        limits.put("maxTags", ratings.maxTags());
        limits.put("ratingWindowSeconds", ratings.ratingWindow().toSeconds());
    }

    /** A rating was revealed on this node: push locally, and to other nodes through the bus. */
    private void revealed(Rating rating) {
        RatingKey k = rating.key();
        if (bus != null) {
            String wire = k.session().value() + '|' + k.rater().value() + '|' + k.ratee().value();
            try {
                bus.publish(REVEALED_TOPIC, wire.getBytes(StandardCharsets.UTF_8));
                return; // the bus delivers to this node's subscription too
            } catch (RuntimeException e) {
                // Reveals are durable; clients also read them with rating.session. Push locally at least.
            }
        }
        pushRevealed(k);
    }

    private void onRemoteReveal(byte[] payload) {
        try {
            String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
            pushRevealed(RatingKey.of(SessionId.of(parts[0]), UserId.of(parts[1]), UserId.of(parts[2])));
        } catch (RuntimeException e) {
            // malformed payload: ignored (nothing of ours publishes it)
        }
    }

    /**
     * {@code rating.revealed} to the local connections of the rater and the ratee: the ratee may now
     * read it ({@code rating.session}), the rater learns it counts.
     */
    private void pushRevealed(RatingKey k) {
        Gateway g = gateway;
        if (g == null) {
            return;
        }
        for (UserId u : new UserId[] {k.rater(), k.ratee()}) {
            for (GatewayConnection c : g.localConnections(u)) {
                c.push("rating.revealed", c.newObject().put("session", k.session().value())
                        .put("rater", k.rater().value()).put("ratee", k.ratee().value()));
            }
        }
    }

    @Override
    public void onStop() {
        close();
    }

    /** Stops listening on the bus (also done by {@link Gateway#close()}). Idempotent. */
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
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
        h.put("rating.session", this::session);
        return h;
    }

    private void submit(Request r) {
        SessionId session = SessionId.of(r.text("session", ID_TEXT));
        UserId ratee = UserId.of(r.text("ratee", ID_TEXT));
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

    /**
     * The ratings of one session the user may see: {@code given} (their own, in any state but
     * withdrawn) and {@code received} (about them, once revealed). Only participants may ask.
     */
    private void session(Request r) {
        SessionId session = SessionId.of(r.text("session", ID_TEXT));
        var facts = ratings.sessionFacts(session).orElse(null);
        if (facts == null) {
            r.error(RatingRejection.SESSION_NOT_FOUND.code(), "no such session");
            return;
        }
        if (!facts.participants().contains(r.user())) {
            r.error(RatingRejection.NOT_PARTICIPANT.code(), "not a participant of this session");
            return;
        }
        ObjectNode body = r.newObject().put("session", session.value());
        ArrayNode given = body.putArray("given");
        ArrayNode received = body.putArray("received");
        for (UserId other : facts.participants()) {
            if (other.equals(r.user())) {
                continue;
            }
            ratings.findVisibleTo(RatingKey.of(session, r.user(), other), r.user())
                    .filter(x -> x.state() != RatingState.WITHDRAWN)
                    .ifPresent(x -> given.add(ratingJson(r, x)));
            ratings.findVisibleTo(RatingKey.of(session, other, r.user()), r.user())
                    .ifPresent(x -> received.add(ratingJson(r, x)));
        }
        r.reply(body);
    }

    private static ObjectNode ratingJson(Request r, Rating x) {
        ObjectNode o = r.newObject();
        o.put("rater", x.key().rater().value());
        o.put("ratee", x.key().ratee().value());
        o.put("stars", x.stars());
        o.put("state", x.state().name());
        o.put("counted", x.counted());
        ArrayNode tags = o.putArray("tags");
        x.tags().forEach(tags::add);
        x.commentText().ifPresent(c -> o.put("comment", c));
        return o;
    }

    private void summary(Request r) {
        RatingSummary s = ratings.summary(UserId.of(r.text("user", ID_TEXT)));
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
