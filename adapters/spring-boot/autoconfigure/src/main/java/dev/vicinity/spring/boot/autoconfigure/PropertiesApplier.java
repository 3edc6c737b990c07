package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.core.NodeId;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.VicinityException;
import dev.vicinity.gateway.GatewayLimits;
import dev.vicinity.node.Vicinity;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Maps {@link VicinityProperties} onto the node's builder and its per-module customizers. Only set
 * properties are applied (the rest keep the library's defaults); a value a builder refuses becomes an
 * {@link IllegalArgumentException} naming the property. Stateless.
 */
final class PropertiesApplier {
    private PropertiesApplier() {}

    static void apply(VicinityProperties p, boolean distributed, Vicinity.Builder b) {
        String node = p.getNodeId();
        if (node == null || node.isBlank()) {
            if (distributed) {
                throw new IllegalStateException("vicinity.node-id is required with vicinity.backend=" + p.getBackend()
                        .name().toLowerCase(java.util.Locale.ROOT).replace('_', '+')
                        + ": give every node its own id (e.g. the pod or host name)");
            }
            node = "node-1";
        }
        String nodeId = node;
        set("vicinity.node-id", nodeId, v -> b.node(NodeId.of(v)));
        if (p.getCursorSecret() != null) {
            set("vicinity.cursor-secret", p.getCursorSecret(),
                    v -> b.cursorSecret(v.getBytes(StandardCharsets.UTF_8)));
        } else if (distributed) {
            throw new IllegalStateException("vicinity.cursor-secret is required with vicinity.backend="
                    + "postgres+redis: set the same secret of at least 16 bytes on every node");
        }
        set("vicinity.locations.sweep-interval", p.getLocations().getSweepInterval(), b::locationSweepInterval);
        b.gatewayLimits(limits(p.getGateway()));

        VicinityGatewayProperties g = p.getGateway();
        b.gateway(gb -> {
            set("vicinity.gateway.auth-timeout", g.getAuthTimeout(), gb::authTimeout);
            set("vicinity.gateway.resume-window", g.getResumeWindow(), gb::resumeWindow);
            set("vicinity.gateway.heartbeat-interval", g.getHeartbeatInterval(), gb::heartbeatInterval);
            set("vicinity.gateway.max-connections-per-address", g.getMaxConnectionsPerAddress(),
                    gb::maxConnectionsPerAddress);
            if (pair("vicinity.gateway.connects-per-minute", g.getConnectsPerMinute(),
                    "vicinity.gateway.connect-burst", g.getConnectBurst())) {
                set("vicinity.gateway.connects-per-minute", g.getConnectsPerMinute(),
                        v -> gb.connectRate(v, Objects.requireNonNull(g.getConnectBurst())));
            }
        });
        VicinityProperties.Presence pr = p.getPresence();
        b.presence(pb -> {
            set("vicinity.presence.lease-ttl", pr.getLeaseTtl(), pb::leaseTtl);
            set("vicinity.presence.offline-grace", pr.getOfflineGrace(), pb::offlineGrace);
            set("vicinity.presence.node-ttl", pr.getNodeTtl(), pb::nodeTtl);
        });
        VicinityProperties.Locations l = p.getLocations();
        b.locations(lb -> {
            set("vicinity.locations.max-age", l.getMaxAge(), lb::maxAge);
            set("vicinity.locations.max-accuracy-meters", l.getMaxAccuracyMeters(), lb::maxAccuracyMeters);
            set("vicinity.locations.max-speed-meters-per-second", l.getMaxSpeedMetersPerSecond(),
                    lb::maxSpeedMetersPerSecond);
        });
        VicinityProperties.Matcher m = p.getMatcher();
        b.matcher(mb -> {
            set("vicinity.matcher.max-radius-meters", m.getMaxRadiusMeters(), mb::maxRadiusMeters);
            set("vicinity.matcher.max-page-size", m.getMaxPageSize(), mb::maxPageSize);
            set("vicinity.matcher.max-results", m.getMaxResults(), mb::maxResults);
            set("vicinity.matcher.cursor-ttl", m.getCursorTtl(), mb::cursorTtl);
        });
        VicinityProperties.Chat c = p.getChat();
        b.chat(cb -> {
            set("vicinity.chat.invite-timeout", c.getInviteTimeout(), cb::inviteTimeout);
            set("vicinity.chat.idle-timeout", c.getIdleTimeout(), cb::idleTimeout);
            set("vicinity.chat.max-message-length", c.getMaxMessageLength(), cb::maxMessageLength);
            set("vicinity.chat.max-participants", c.getMaxParticipants(), cb::maxParticipants);
            set("vicinity.chat.max-pending-invites", c.getMaxPendingInvites(), cb::maxPendingInvites);
            set("vicinity.chat.history-limit", c.getHistoryLimit(), cb::historyLimit);
            if (pair("vicinity.chat.messages-per-second", c.getMessagesPerSecond(),
                    "vicinity.chat.message-burst", c.getMessageBurst())) {
                set("vicinity.chat.messages-per-second", c.getMessagesPerSecond(),
                        v -> cb.messageRate(v, Objects.requireNonNull(c.getMessageBurst())));
            }
        });
        VicinityProperties.Rating r = p.getRating();
        b.ratings(rb -> {
            set("vicinity.rating.window", r.getWindow(), rb::ratingWindow);
            set("vicinity.rating.count-once-per", r.getCountOncePer(), rb::countOncePer);
            set("vicinity.rating.max-comment-length", r.getMaxCommentLength(), rb::maxCommentLength);
            set("vicinity.rating.max-tags", r.getMaxTags(), rb::maxTags);
        });
    }

    static GatewayLimits limits(VicinityGatewayProperties g) {
        GatewayLimits.Builder lb = GatewayLimits.builder();
        set("vicinity.gateway.max-frame-bytes", g.getMaxFrameBytes(), lb::maxFrameBytes);
        if (pair("vicinity.gateway.frames-per-second", g.getFramesPerSecond(), "vicinity.gateway.frame-burst",
                g.getFrameBurst())) {
            set("vicinity.gateway.frames-per-second", g.getFramesPerSecond(),
                    v -> lb.frameRate(RateLimit.perSecond(v, Objects.requireNonNull(g.getFrameBurst()))));
        }
        set("vicinity.gateway.max-connections-per-user", g.getMaxConnectionsPerUser(), lb::maxConnectionsPerUser);
        set("vicinity.gateway.max-outbound-in-flight", g.getMaxOutboundInFlight(), lb::maxOutboundInFlight);
        set("vicinity.gateway.max-strikes", g.getMaxStrikes(), lb::maxStrikes);
        set("vicinity.gateway.max-outbound-bytes", g.getMaxOutboundBytes(), lb::maxOutboundBytes);
        set("vicinity.gateway.max-node-outbound-bytes", g.getMaxNodeOutboundBytes(), lb::maxNodeOutboundBytes);
        try {
            return lb.build();
        } catch (IllegalArgumentException | VicinityException e) {
            throw new IllegalArgumentException("Invalid vicinity.gateway limits: " + e.getMessage(), e);
        }
    }

    /** Both or neither of two properties that the library takes together; true when both are set. */
    private static boolean pair(String name1, @Nullable Object v1, String name2, @Nullable Object v2) {
        if ((v1 == null) != (v2 == null)) {
            throw new IllegalArgumentException("Invalid vicinity properties: " + name1 + " and " + name2
                    + " are set together (" + (v1 == null ? name1 : name2) + " is missing)");
        }
        return v1 != null;
    }

    private static <T> void set(String property, @Nullable T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException | VicinityException e) {
            throw new IllegalArgumentException("Invalid value of " + property + " (" + value + "): " + e.getMessage(), e);
        }
    }
}
