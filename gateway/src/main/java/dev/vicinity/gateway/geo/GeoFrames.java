package dev.vicinity.gateway.geo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.FrameHandler;
import dev.vicinity.gateway.FrameModule;
import dev.vicinity.gateway.GatewayErrorCodes;
import dev.vicinity.gateway.Request;
import dev.vicinity.geo.IngestResult;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.LocationSource;
import dev.vicinity.geo.NearbyMatch;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyPage;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.spi.BlockList;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Geo in the gateway protocol: {@code geo.location} (a fix from the client; collection),
 * {@code geo.nearby} (a page of nearby users with distance buckets, never coordinates; matching),
 * {@code geo.block} and {@code geo.unblock}. Coordinates only travel from the client to ingest; no
 * frame ever carries another user's coordinates. Thread-safe.
 */
public final class GeoFrames implements FrameModule {
    /** Longest string read for an id field; the id syntax (1..128 characters) is checked after, as {@code invalid_id}. */
    private static final int ID_TEXT = 64 * 1024;

    private final LocationService locations;
    private final NearbyMatcher matcher;
    private final BlockList blocks;
    private volatile BiConsumer<UserId, UserId> onBlock = (blocker, blocked) -> { };

    /** A module over the host's location service, matcher and block list. */
    public GeoFrames(LocationService locations, NearbyMatcher matcher, BlockList blocks) {
        this.locations = Objects.requireNonNull(locations, "locations");
        this.matcher = Objects.requireNonNull(matcher, "matcher");
        this.blocks = Objects.requireNonNull(blocks, "blocks");
    }

    /**
     * Runs {@code hook} after each {@code geo.block} that recorded a new block, with (blocker,
     * blocked); wire it to chat so that open sessions between the two end, e.g.
     * {@code geoFrames.onBlock(chat::onBlocked)}. Returns this module.
     */
    public GeoFrames onBlock(BiConsumer<UserId, UserId> hook) {
        this.onBlock = Objects.requireNonNull(hook, "hook");
        return this;
    }

    @Override
    public void describeLimits(ObjectNode limits) {
        limits.put("maxRadiusMeters", matcher.maxRadiusMeters());
        limits.put("maxNearbyPage", 100);
        limits.put("locationMaxAgeSeconds", locations.maxAge().toSeconds());
    }

    @Override
    public String name() {
        return "geo";
    }

    @Override
    public Map<String, FrameHandler> handlers() {
        Map<String, FrameHandler> h = new LinkedHashMap<>();
        h.put("geo.location", this::location);
        h.put("geo.nearby", this::nearby);
        h.put("geo.block", r -> {
            UserId other = UserId.of(r.text("user", ID_TEXT));
            if (other.equals(r.user())) {
                throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD, "user: cannot block yourself");
            }
            blocks.block(r.user(), other);
            onBlock.accept(r.user(), other);
        });
        h.put("geo.unblock", r -> blocks.unblock(r.user(), UserId.of(r.text("user", ID_TEXT))));
        return h;
    }

    private void location(Request r) {
        LocationSource source = source(r.optionalText("source", 16).orElse("precise"));
        Instant at = r.frame().has("at") ? Instant.ofEpochMilli(r.integer("at", 0, 253_402_300_799_999L))
                : locations.clock().instant();
        LocationFix fix;
        if (source == LocationSource.UNKNOWN) {
            fix = LocationFix.denied(at);
        } else {
            double accuracy = r.frame().has("accuracy") ? r.number("accuracy") : 0;
            fix = LocationFix.of(r.number("lat"), r.number("lon"), source, accuracy, at);
        }
        IngestResult result = locations.submit(r.user(), fix);
        ObjectNode body = r.newObject();
        if (result instanceof IngestResult.Accepted) {
            body.put("accepted", true).put("discoverable", true);
        } else if (result instanceof IngestResult.Denied d) {
            body.put("accepted", true).put("discoverable", d.discoverable());
        } else {
            body.put("accepted", false).put("reason", "superseded");
        }
        r.reply(body);
    }

    private void nearby(Request r) {
        double radius = r.number("radius");
        int limit = (int) r.integer("limit", 1, 100);
        NearbyQuery q = NearbyQuery.of(r.user(), radius, limit);
        if (r.bool("includeOffline", false)) {
            q = q.withOffline();
        }
        var cursor = r.optionalText("cursor", 1024);
        if (cursor.isPresent()) {
            q = q.after(cursor.get());
        }
        NearbyPage page;
        try {
            page = matcher.nearby(q);
        } catch (InvalidInputException e) {
            if (!ErrorCodes.INVALID_ARGUMENT.equals(e.code())) {
                throw e;
            }
            // An out-of-range radius or limit is a field of this frame: the protocol's invalid_field.
            throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD, e.getMessage());
        }
        ObjectNode body = r.newObject();
        ArrayNode users = body.putArray("users");
        for (NearbyMatch m : page.matches()) {
            ObjectNode u = users.addObject().put("user", m.user().value()).put("distance", m.distance().label())
                    .put("bucket", m.distance().index()).put("online", m.online());
            if (Double.isFinite(m.score())) {
                u.put("score", m.score());
            }
        }
        page.next().ifPresent(n -> body.put("cursor", n));
        r.reply(body);
    }

    private static LocationSource source(String s) {
        try {
            return LocationSource.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD,
                    "source: expected precise, approximate, manual or unknown");
        }
    }
}
