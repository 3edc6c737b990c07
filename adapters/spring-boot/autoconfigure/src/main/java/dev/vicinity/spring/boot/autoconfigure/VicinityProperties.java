package dev.vicinity.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code vicinity.*} properties. A property left unset keeps the library's default (named in its
 * description), so these never restate defaults that could drift. Values are checked by the library's
 * builders when the node is built: an out-of-range value fails startup with a message naming the property.
 * Not thread-safe (bound once at startup).
 */
@ConfigurationProperties("vicinity")
public class VicinityProperties {

    /** Where Vicinity keeps its data: memory, h2gis, postgres or postgres+redis. */
    private Backend backend = Backend.MEMORY;

    /** This node's id, unique among nodes sharing a backend. Default node-1; required with postgres+redis. */
    private @Nullable String nodeId;

    /** Secret (at least 16 bytes) signing nearby cursors, the same on every node; required with postgres+redis. */
    private @Nullable String cursorSecret;
    private final WebSocket websocket = new WebSocket();
    private final H2gis h2gis = new H2gis();
    private final Postgres postgres = new Postgres();
    private final Redis redis = new Redis();
    /** The protocol engine: deadlines, heartbeats and limits. */
    @NestedConfigurationProperty
    private final VicinityGatewayProperties gateway = new VicinityGatewayProperties();
    private final Presence presence = new Presence();
    private final Locations locations = new Locations();
    private final Matcher matcher = new Matcher();
    private final Chat chat = new Chat();
    private final Rating rating = new Rating();
    /** The backend bundle the node runs on. */
    public enum Backend {
        /** Every store in this process: tests and demos. */
        MEMORY,
        /** An embedded H2GIS file database; one node. */
        H2GIS,
        /** PostgreSQL/PostGIS on the application's DataSource; presence and bus in this process; one node. */
        POSTGRES,
        /** PostgreSQL/PostGIS plus Redis for presence, bus, resume and rate limits: any number of nodes. */
        POSTGRES_REDIS
    }

    /** {@code vicinity.backend}: Where Vicinity keeps its data: memory, h2gis, postgres or postgres+redis. */
    public Backend getBackend() {
        return backend;
    }

    /** Sets {@code vicinity.backend}. */
    public void setBackend(Backend backend) {
        this.backend = backend;
    }

    /** {@code vicinity.node-id}: This node's id, unique among nodes sharing a backend. Default node-1; required with postgres+redis. */
    public @Nullable String getNodeId() {
        return nodeId;
    }

    /** Sets {@code vicinity.node-id}; null keeps the default. */
    public void setNodeId(@Nullable String nodeId) {
        this.nodeId = nodeId;
    }

    /** {@code vicinity.cursor-secret}: Secret (at least 16 bytes) signing nearby cursors, the same on every node; required with postgres+redis. */
    public @Nullable String getCursorSecret() {
        return cursorSecret;
    }

    /** Sets {@code vicinity.cursor-secret}; null keeps the default. */
    public void setCursorSecret(@Nullable String cursorSecret) {
        this.cursorSecret = cursorSecret;
    }
    /** The {@code vicinity.websocket.*} properties (never null). */
    public WebSocket getWebsocket() {
        return websocket;
    }
    /** The {@code vicinity.h2gis.*} properties (never null). */
    public H2gis getH2gis() {
        return h2gis;
    }
    /** The {@code vicinity.postgres.*} properties (never null). */
    public Postgres getPostgres() {
        return postgres;
    }
    /** The {@code vicinity.redis.*} properties (never null). */
    public Redis getRedis() {
        return redis;
    }
    /** The {@code vicinity.gateway.*} properties: the protocol engine's deadlines, heartbeats and limits (never null). */
    public VicinityGatewayProperties getGateway() {
        return gateway;
    }
    /** The {@code vicinity.presence.*} properties (never null). */
    public Presence getPresence() {
        return presence;
    }
    /** The {@code vicinity.locations.*} properties (never null). */
    public Locations getLocations() {
        return locations;
    }
    /** The {@code vicinity.matcher.*} properties (never null). */
    public Matcher getMatcher() {
        return matcher;
    }
    /** The {@code vicinity.chat.*} properties (never null). */
    public Chat getChat() {
        return chat;
    }
    /** The {@code vicinity.rating.*} properties (never null). */
    public Rating getRating() {
        return rating;
    }

    /** The WebSocket endpoint. */
    public static class WebSocket {
        /** Path of the WebSocket endpoint. */
        private String path = "/vicinity";

        /** Origin patterns allowed to open the WebSocket (e.g. https://*.example.com); empty: same origin only. */
        private java.util.List<String> allowedOriginPatterns = new java.util.ArrayList<>();

        /** Threads that write outbound frames (each connection's frames are written in order by one thread at a time). */
        private int sendThreads = 8;

        /** {@code vicinity.websocket.path}: Path of the WebSocket endpoint. */
        public String getPath() {
            return path;
        }

        /** Sets {@code vicinity.websocket.path}. */
        public void setPath(String path) {
            this.path = path;
        }

        /** {@code vicinity.websocket.allowed-origin-patterns}: Origin patterns allowed to open the WebSocket (e.g. https://*.example.com); empty: same origin only. */
        public java.util.List<String> getAllowedOriginPatterns() {
            return allowedOriginPatterns;
        }

        /** Sets {@code vicinity.websocket.allowed-origin-patterns}. */
        public void setAllowedOriginPatterns(java.util.List<String> allowedOriginPatterns) {
            this.allowedOriginPatterns = allowedOriginPatterns;
        }

        /** {@code vicinity.websocket.send-threads}: Threads that write outbound frames (each connection's frames are written in order by one thread at a time). */
        public int getSendThreads() {
            return sendThreads;
        }

        /** Sets {@code vicinity.websocket.send-threads}. */
        public void setSendThreads(int sendThreads) {
            this.sendThreads = sendThreads;
        }
    }

    /** The embedded H2GIS backend (vicinity.backend=h2gis). */
    public static class H2gis {
        /** Database file path without the .mv.db suffix. */
        private String path = "vicinity-data/vicinity";

        /** {@code vicinity.h2gis.path}: Database file path without the .mv.db suffix. */
        public String getPath() {
            return path;
        }

        /** Sets {@code vicinity.h2gis.path}. */
        public void setPath(String path) {
            this.path = path;
        }
    }

    /** The PostgreSQL backend (vicinity.backend=postgres or postgres+redis) on the application's DataSource. */
    public static class Postgres {
        /** Schema of Vicinity's tables. Library default: vicinity. */
        private @Nullable String schema;

        /** Whether the schema is installed (idempotently) at startup. Library default: true. */
        private @Nullable Boolean installSchema;

        /** Query timeout of every statement. Library default: 5s. */
        private java.time.@Nullable Duration queryTimeout;

        /** With Redis: whether rating aggregates are cached in Redis. Library default: true. */
        private @Nullable Boolean cacheRatings;

        /** {@code vicinity.postgres.schema}: Schema of Vicinity's tables. Library default: vicinity. */
        public @Nullable String getSchema() {
            return schema;
        }

        /** Sets {@code vicinity.postgres.schema}; null keeps the default. */
        public void setSchema(@Nullable String schema) {
            this.schema = schema;
        }

        /** {@code vicinity.postgres.install-schema}: Whether the schema is installed (idempotently) at startup. Library default: true. */
        public @Nullable Boolean getInstallSchema() {
            return installSchema;
        }

        /** Sets {@code vicinity.postgres.install-schema}; null keeps the default. */
        public void setInstallSchema(@Nullable Boolean installSchema) {
            this.installSchema = installSchema;
        }

        /** {@code vicinity.postgres.query-timeout}: Query timeout of every statement. Library default: 5s. */
        public java.time.@Nullable Duration getQueryTimeout() {
            return queryTimeout;
        }

        /** Sets {@code vicinity.postgres.query-timeout}; null keeps the default. */
        public void setQueryTimeout(java.time.@Nullable Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
        }

        /** {@code vicinity.postgres.cache-ratings}: With Redis: whether rating aggregates are cached in Redis. Library default: true. */
        public @Nullable Boolean getCacheRatings() {
            return cacheRatings;
        }

        /** Sets {@code vicinity.postgres.cache-ratings}; null keeps the default. */
        public void setCacheRatings(@Nullable Boolean cacheRatings) {
            this.cacheRatings = cacheRatings;
        }
    }

    /** Redis (vicinity.backend=postgres+redis). */
    public static class Redis {
        /** Redis URI; default spring.data.redis.url, else redis://127.0.0.1:6379. */
        private @Nullable String uri;

        /** Prefix of every Redis key (one per deployment sharing a Redis). */
        private String keyPrefix = "vicinity";

        /** Command timeout of every Redis store. Library default: 2s. */
        private java.time.@Nullable Duration timeout;

        /** {@code vicinity.redis.uri}: Redis URI; default spring.data.redis.url, else redis://127.0.0.1:6379. */
        public @Nullable String getUri() {
            return uri;
        }

        /** Sets {@code vicinity.redis.uri}; null keeps the default. */
        public void setUri(@Nullable String uri) {
            this.uri = uri;
        }

        /** {@code vicinity.redis.key-prefix}: Prefix of every Redis key (one per deployment sharing a Redis). */
        public String getKeyPrefix() {
            return keyPrefix;
        }

        /** Sets {@code vicinity.redis.key-prefix}. */
        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        /** {@code vicinity.redis.timeout}: Command timeout of every Redis store. Library default: 2s. */
        public java.time.@Nullable Duration getTimeout() {
            return timeout;
        }

        /** Sets {@code vicinity.redis.timeout}; null keeps the default. */
        public void setTimeout(java.time.@Nullable Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Presence leases. */
    public static class Presence {
        /** Lifetime of a connection's presence lease without a heartbeat. Library default: 30s. */
        private java.time.@Nullable Duration leaseTtl;

        /** Delay before a user with no live lease is reported offline. Library default: 10s. */
        private java.time.@Nullable Duration offlineGrace;

        /** How long a silent node's leases survive before other nodes purge them. Library default: 15s. */
        private java.time.@Nullable Duration nodeTtl;

        /** {@code vicinity.presence.lease-ttl}: Lifetime of a connection's presence lease without a heartbeat. Library default: 30s. */
        public java.time.@Nullable Duration getLeaseTtl() {
            return leaseTtl;
        }

        /** Sets {@code vicinity.presence.lease-ttl}; null keeps the default. */
        public void setLeaseTtl(java.time.@Nullable Duration leaseTtl) {
            this.leaseTtl = leaseTtl;
        }

        /** {@code vicinity.presence.offline-grace}: Delay before a user with no live lease is reported offline. Library default: 10s. */
        public java.time.@Nullable Duration getOfflineGrace() {
            return offlineGrace;
        }

        /** Sets {@code vicinity.presence.offline-grace}; null keeps the default. */
        public void setOfflineGrace(java.time.@Nullable Duration offlineGrace) {
            this.offlineGrace = offlineGrace;
        }

        /** {@code vicinity.presence.node-ttl}: How long a silent node's leases survive before other nodes purge them. Library default: 15s. */
        public java.time.@Nullable Duration getNodeTtl() {
            return nodeTtl;
        }

        /** Sets {@code vicinity.presence.node-ttl}; null keeps the default. */
        public void setNodeTtl(java.time.@Nullable Duration nodeTtl) {
            this.nodeTtl = nodeTtl;
        }
    }

    /** Location collection. */
    public static class Locations {
        /** Age after which a location is stale and swept. Library default: 2h. */
        private java.time.@Nullable Duration maxAge;

        /** How often stale locations are purged, 1s..1h. Default: 30s. */
        private java.time.@Nullable Duration sweepInterval;

        /** Reported accuracy above which a location is refused. Library default: 50000. */
        private @Nullable Double maxAccuracyMeters;

        /** Speed between two updates above which an update is refused. Library default: 350. */
        private @Nullable Double maxSpeedMetersPerSecond;

        /** {@code vicinity.locations.max-age}: Age after which a location is stale and swept. Library default: 2h. */
        public java.time.@Nullable Duration getMaxAge() {
            return maxAge;
        }

        /** Sets {@code vicinity.locations.max-age}; null keeps the default. */
        public void setMaxAge(java.time.@Nullable Duration maxAge) {
            this.maxAge = maxAge;
        }

        /** {@code vicinity.locations.sweep-interval}: How often stale locations are purged, 1s..1h. Default: 30s. */
        public java.time.@Nullable Duration getSweepInterval() {
            return sweepInterval;
        }

        /** Sets {@code vicinity.locations.sweep-interval}; null keeps the default. */
        public void setSweepInterval(java.time.@Nullable Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
        }

        /** {@code vicinity.locations.max-accuracy-meters}: Reported accuracy above which a location is refused. Library default: 50000. */
        public @Nullable Double getMaxAccuracyMeters() {
            return maxAccuracyMeters;
        }

        /** Sets {@code vicinity.locations.max-accuracy-meters}; null keeps the default. */
        public void setMaxAccuracyMeters(@Nullable Double maxAccuracyMeters) {
            this.maxAccuracyMeters = maxAccuracyMeters;
        }

        /** {@code vicinity.locations.max-speed-meters-per-second}: Speed between two updates above which an update is refused. Library default: 350. */
        public @Nullable Double getMaxSpeedMetersPerSecond() {
            return maxSpeedMetersPerSecond;
        }

        /** Sets {@code vicinity.locations.max-speed-meters-per-second}; null keeps the default. */
        public void setMaxSpeedMetersPerSecond(@Nullable Double maxSpeedMetersPerSecond) {
            this.maxSpeedMetersPerSecond = maxSpeedMetersPerSecond;
        }
    }

    /** Who is nearby. */
    public static class Matcher {
        /** Largest radius a nearby query may ask for. Library default: 50000. */
        private @Nullable Double maxRadiusMeters;

        /** Largest page of a nearby query. Library default: 100. */
        private @Nullable Integer maxPageSize;

        /** Most results over all pages of one query. Library default: 500. */
        private @Nullable Integer maxResults;

        /** Lifetime of a nearby cursor. Library default: 10m. */
        private java.time.@Nullable Duration cursorTtl;

        /** {@code vicinity.matcher.max-radius-meters}: Largest radius a nearby query may ask for. Library default: 50000. */
        public @Nullable Double getMaxRadiusMeters() {
            return maxRadiusMeters;
        }

        /** Sets {@code vicinity.matcher.max-radius-meters}; null keeps the default. */
        public void setMaxRadiusMeters(@Nullable Double maxRadiusMeters) {
            this.maxRadiusMeters = maxRadiusMeters;
        }

        /** {@code vicinity.matcher.max-page-size}: Largest page of a nearby query. Library default: 100. */
        public @Nullable Integer getMaxPageSize() {
            return maxPageSize;
        }

        /** Sets {@code vicinity.matcher.max-page-size}; null keeps the default. */
        public void setMaxPageSize(@Nullable Integer maxPageSize) {
            this.maxPageSize = maxPageSize;
        }

        /** {@code vicinity.matcher.max-results}: Most results over all pages of one query. Library default: 500. */
        public @Nullable Integer getMaxResults() {
            return maxResults;
        }

        /** Sets {@code vicinity.matcher.max-results}; null keeps the default. */
        public void setMaxResults(@Nullable Integer maxResults) {
            this.maxResults = maxResults;
        }

        /** {@code vicinity.matcher.cursor-ttl}: Lifetime of a nearby cursor. Library default: 10m. */
        public java.time.@Nullable Duration getCursorTtl() {
            return cursorTtl;
        }

        /** Sets {@code vicinity.matcher.cursor-ttl}; null keeps the default. */
        public void setCursorTtl(java.time.@Nullable Duration cursorTtl) {
            this.cursorTtl = cursorTtl;
        }
    }

    /** Chat sessions. */
    public static class Chat {
        /** How long an invite waits for an answer. Library default: 2m. */
        private java.time.@Nullable Duration inviteTimeout;

        /** How long an active chat may stay silent before it ends. Library default: 30m. */
        private java.time.@Nullable Duration idleTimeout;

        /** Longest message in characters. Library default: 4000. */
        private @Nullable Integer maxMessageLength;

        /** Most participants of one chat. Library default: 2. */
        private @Nullable Integer maxParticipants;

        /** Most open invites per user. Library default: 20. */
        private @Nullable Integer maxPendingInvites;

        /** Messages kept per chat. Library default: 10000. */
        private @Nullable Integer historyLimit;

        /** Messages per user per second; set together with message-burst. Library default: 5. */
        private @Nullable Double messagesPerSecond;

        /** Messages per user at once; set together with messages-per-second. Library default: 20. */
        private @Nullable Integer messageBurst;

        /** {@code vicinity.chat.invite-timeout}: How long an invite waits for an answer. Library default: 2m. */
        public java.time.@Nullable Duration getInviteTimeout() {
            return inviteTimeout;
        }

        /** Sets {@code vicinity.chat.invite-timeout}; null keeps the default. */
        public void setInviteTimeout(java.time.@Nullable Duration inviteTimeout) {
            this.inviteTimeout = inviteTimeout;
        }

        /** {@code vicinity.chat.idle-timeout}: How long an active chat may stay silent before it ends. Library default: 30m. */
        public java.time.@Nullable Duration getIdleTimeout() {
            return idleTimeout;
        }

        /** Sets {@code vicinity.chat.idle-timeout}; null keeps the default. */
        public void setIdleTimeout(java.time.@Nullable Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        /** {@code vicinity.chat.max-message-length}: Longest message in characters. Library default: 4000. */
        public @Nullable Integer getMaxMessageLength() {
            return maxMessageLength;
        }

        /** Sets {@code vicinity.chat.max-message-length}; null keeps the default. */
        public void setMaxMessageLength(@Nullable Integer maxMessageLength) {
            this.maxMessageLength = maxMessageLength;
        }

        /** {@code vicinity.chat.max-participants}: Most participants of one chat. Library default: 2. */
        public @Nullable Integer getMaxParticipants() {
            return maxParticipants;
        }

        /** Sets {@code vicinity.chat.max-participants}; null keeps the default. */
        public void setMaxParticipants(@Nullable Integer maxParticipants) {
            this.maxParticipants = maxParticipants;
        }

        /** {@code vicinity.chat.max-pending-invites}: Most open invites per user. Library default: 20. */
        public @Nullable Integer getMaxPendingInvites() {
            return maxPendingInvites;
        }

        /** Sets {@code vicinity.chat.max-pending-invites}; null keeps the default. */
        public void setMaxPendingInvites(@Nullable Integer maxPendingInvites) {
            this.maxPendingInvites = maxPendingInvites;
        }

        /** {@code vicinity.chat.history-limit}: Messages kept per chat. Library default: 10000. */
        public @Nullable Integer getHistoryLimit() {
            return historyLimit;
        }

        /** Sets {@code vicinity.chat.history-limit}; null keeps the default. */
        public void setHistoryLimit(@Nullable Integer historyLimit) {
            this.historyLimit = historyLimit;
        }

        /** {@code vicinity.chat.messages-per-second}: Messages per user per second; set together with message-burst. Library default: 5. */
        public @Nullable Double getMessagesPerSecond() {
            return messagesPerSecond;
        }

        /** Sets {@code vicinity.chat.messages-per-second}; null keeps the default. */
        public void setMessagesPerSecond(@Nullable Double messagesPerSecond) {
            this.messagesPerSecond = messagesPerSecond;
        }

        /** {@code vicinity.chat.message-burst}: Messages per user at once; set together with messages-per-second. Library default: 20. */
        public @Nullable Integer getMessageBurst() {
            return messageBurst;
        }

        /** Sets {@code vicinity.chat.message-burst}; null keeps the default. */
        public void setMessageBurst(@Nullable Integer messageBurst) {
            this.messageBurst = messageBurst;
        }
    }

    /** Ratings. */
    public static class Rating {
        /** How long after a chat ended it may be rated. Library default: 7d. */
        private java.time.@Nullable Duration window;

        /** One rater's ratings of one user count once per this period. Library default: 7d. */
        private java.time.@Nullable Duration countOncePer;

        /** Longest rating comment in characters. Library default: 500. */
        private @Nullable Integer maxCommentLength;

        /** Most tags on one rating. Library default: 8. */
        private @Nullable Integer maxTags;

        /** {@code vicinity.rating.window}: How long after a chat ended it may be rated. Library default: 7d. */
        public java.time.@Nullable Duration getWindow() {
            return window;
        }

        /** Sets {@code vicinity.rating.window}; null keeps the default. */
        public void setWindow(java.time.@Nullable Duration window) {
            this.window = window;
        }

        /** {@code vicinity.rating.count-once-per}: One rater's ratings of one user count once per this period. Library default: 7d. */
        public java.time.@Nullable Duration getCountOncePer() {
            return countOncePer;
        }

        /** Sets {@code vicinity.rating.count-once-per}; null keeps the default. */
        public void setCountOncePer(java.time.@Nullable Duration countOncePer) {
            this.countOncePer = countOncePer;
        }

        /** {@code vicinity.rating.max-comment-length}: Longest rating comment in characters. Library default: 500. */
        public @Nullable Integer getMaxCommentLength() {
            return maxCommentLength;
        }

        /** Sets {@code vicinity.rating.max-comment-length}; null keeps the default. */
        public void setMaxCommentLength(@Nullable Integer maxCommentLength) {
            this.maxCommentLength = maxCommentLength;
        }

        /** {@code vicinity.rating.max-tags}: Most tags on one rating. Library default: 8. */
        public @Nullable Integer getMaxTags() {
            return maxTags;
        }

        /** Sets {@code vicinity.rating.max-tags}; null keeps the default. */
        public void setMaxTags(@Nullable Integer maxTags) {
            this.maxTags = maxTags;
        }
    }
}
