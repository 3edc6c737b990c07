package dev.vicinity.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.FrameHandler;
import dev.vicinity.gateway.FrameModule;
import dev.vicinity.gateway.GatewayErrorCodes;
import dev.vicinity.gateway.Request;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.RatingSummary;
import dev.vicinity.geo.spi.BlockList;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A host's own frame module, to show how an embedding application adds frames next to Vicinity's:
 * {@code demo.profiles} answers, for up to 50 user ids the page already knows (from
 * {@code geo.nearby}), whether each is online, their public rating summary and whether the user is
 * one of this server's simulated neighbours. Reveals nothing {@code rating.summary} and presence do
 * not already reveal; no coordinates. A user blocked either way with the asker reads as offline (the
 * same answer as for anyone offline, so the block is not revealed either). Thread-safe; O(users) reads.
 */
public final class DemoFrames implements FrameModule {
    static final int MAX_USERS = 50;

    private final PresenceService presence;
    private final RatingService ratings;
    private final Set<UserId> simulated;
    private final BlockList blocks;

    /** A module over presence, ratings, the block list and the (live, shared) set of simulated user ids. */
    public DemoFrames(PresenceService presence, RatingService ratings, BlockList blocks, Set<UserId> simulated) {
        this.presence = presence;
        this.ratings = ratings;
        this.blocks = blocks;
        this.simulated = simulated;
    }

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public Map<String, FrameHandler> handlers() {
        return Map.of("demo.profiles", this::profiles);
    }

    private void profiles(Request r) {
        JsonNode users = r.frame().get("users");
        if (users == null || !users.isArray() || users.size() > MAX_USERS) {
            throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD,
                    "users: expected an array of at most " + MAX_USERS + " user ids");
        }
        Set<UserId> ids = new LinkedHashSet<>();
        for (JsonNode u : users) {
            if (!u.isTextual()) {
                throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD, "users: expected strings");
            }
            ids.add(UserId.of(u.asText()));
        }
        Map<UserId, Boolean> online = presence.snapshot(new ArrayList<>(ids));
        Set<UserId> hidden = blocks.blockedEitherWay(r.user());
        ObjectNode body = r.newObject();
        ArrayNode out = body.putArray("profiles");
        for (UserId id : List.copyOf(ids)) {
            RatingSummary s = ratings.summary(id);
            ObjectNode p = out.addObject().put("user", id.value())
                    .put("online", !hidden.contains(id) && online.getOrDefault(id, false))
                    .put("simulated", simulated.contains(id))
                    .put("ratings", s.count())
                    .put("shown", s.shown());
            s.bayesianMean().ifPresent(v -> p.put("score", Math.round(v * 10) / 10.0));
        }
        r.reply(body);
    }
}
