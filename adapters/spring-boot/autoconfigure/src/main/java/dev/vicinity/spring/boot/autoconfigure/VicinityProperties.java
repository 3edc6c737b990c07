package dev.vicinity.spring.boot.autoconfigure;

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
    private String nodeId;

    /** Secret (at least 16 bytes) signing nearby cursors, the same on every node; required with postgres+redis. */
    private String cursorSecret;
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

    public Backend getBackend() {
        return backend;
    }

    public void setBackend(Backend backend) {
        this.backend = backend;
    }

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public String getCursorSecret() {
        return cursorSecret;
    }

    public void setCursorSecret(String cursorSecret) {
        this.cursorSecret = cursorSecret;
    }
    public WebSocket getWebsocket() {
        return websocket;
    }
    public H2gis getH2gis() {
        return h2gis;
    }
    public Postgres getPostgres() {
        return postgres;
    }
    public Redis getRedis() {
        return redis;
    }
    public VicinityGatewayProperties getGateway() {
        return gateway;
    }
    public Presence getPresence() {
        return presence;
    }
    public Locations getLocations() {
        return locations;
    }
    public Matcher getMatcher() {
        return matcher;
    }
    public Chat getChat() {
        return chat;
    }
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

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public java.util.List<String> getAllowedOriginPatterns() {
            return allowedOriginPatterns;
        }

        public void setAllowedOriginPatterns(java.util.List<String> allowedOriginPatterns) {
            this.allowedOriginPatterns = allowedOriginPatterns;
        }

        public int getSendThreads() {
            return sendThreads;
        }

        public void setSendThreads(int sendThreads) {
            this.sendThreads = sendThreads;
        }
    }

    /** The embedded H2GIS backend (vicinity.backend=h2gis). */
    public static class H2gis {
        /** Database file path without the .mv.db suffix. */
        private String path = "vicinity-data/vicinity";

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }
    }

    /** The PostgreSQL backend (vicinity.backend=postgres or postgres+redis) on the application's DataSource. */
    public static class Postgres {
        /** Schema of Vicinity's tables. Library default: vicinity. */
        private String schema;

        /** Whether the schema is installed (idempotently) at startup. Library default: true. */
        private Boolean installSchema;

        /** Query timeout of every statement. Library default: 5s. */
        private java.time.Duration queryTimeout;

        /** With Redis: whether rating aggregates are cached in Redis. Library default: true. */
        private Boolean cacheRatings;

        public String getSchema() {
            return schema;
        }

        public void setSchema(String schema) {
            this.schema = schema;
        }

        public Boolean getInstallSchema() {
            return installSchema;
        }

        public void setInstallSchema(Boolean installSchema) {
            this.installSchema = installSchema;
        }

        public java.time.Duration getQueryTimeout() {
            return queryTimeout;
        }

        public void setQueryTimeout(java.time.Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
        }

        public Boolean getCacheRatings() {
            return cacheRatings;
        }

        public void setCacheRatings(Boolean cacheRatings) {
            this.cacheRatings = cacheRatings;
        }
    }

    /** Redis (vicinity.backend=postgres+redis). */
    public static class Redis {
        /** Redis URI; default spring.data.redis.url, else redis://127.0.0.1:6379. */
        private String uri;

        /** Prefix of every Redis key (one per deployment sharing a Redis). */
        private String keyPrefix = "vicinity";

        /** Command timeout of every Redis store. Library default: 2s. */
        private java.time.Duration timeout;

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public java.time.Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(java.time.Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Presence leases. */
    public static class Presence {
        /** Lifetime of a connection's presence lease without a heartbeat. Library default: 30s. */
        private java.time.Duration leaseTtl;

        /** Delay before a user with no live lease is reported offline. Library default: 10s. */
        private java.time.Duration offlineGrace;

        /** How long a silent node's leases survive before other nodes purge them. Library default: 15s. */
        private java.time.Duration nodeTtl;

        public java.time.Duration getLeaseTtl() {
            return leaseTtl;
        }

        public void setLeaseTtl(java.time.Duration leaseTtl) {
            this.leaseTtl = leaseTtl;
        }

        public java.time.Duration getOfflineGrace() {
            return offlineGrace;
        }

        public void setOfflineGrace(java.time.Duration offlineGrace) {
            this.offlineGrace = offlineGrace;
        }

        public java.time.Duration getNodeTtl() {
            return nodeTtl;
        }

        public void setNodeTtl(java.time.Duration nodeTtl) {
            this.nodeTtl = nodeTtl;
        }
    }

    /** Location collection. */
    public static class Locations {
        /** Age after which a location is stale and swept. Library default: 2h. */
        private java.time.Duration maxAge;

        /** How often stale locations are purged, 1s..1h. Default: 30s. */
        private java.time.Duration sweepInterval;

        /** Reported accuracy above which a location is refused. Library default: 50000. */
        private Double maxAccuracyMeters;

        /** Speed between two updates above which an update is refused. Library default: 350. */
        private Double maxSpeedMetersPerSecond;

        public java.time.Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(java.time.Duration maxAge) {
            this.maxAge = maxAge;
        }

        public java.time.Duration getSweepInterval() {
            return sweepInterval;
        }

        public void setSweepInterval(java.time.Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
        }

        public Double getMaxAccuracyMeters() {
            return maxAccuracyMeters;
        }

        public void setMaxAccuracyMeters(Double maxAccuracyMeters) {
            this.maxAccuracyMeters = maxAccuracyMeters;
        }

        public Double getMaxSpeedMetersPerSecond() {
            return maxSpeedMetersPerSecond;
        }

        public void setMaxSpeedMetersPerSecond(Double maxSpeedMetersPerSecond) {
            this.maxSpeedMetersPerSecond = maxSpeedMetersPerSecond;
        }
    }

    /** Who is nearby. */
    public static class Matcher {
        /** Largest radius a nearby query may ask for. Library default: 50000. */
        private Double maxRadiusMeters;

        /** Largest page of a nearby query. Library default: 100. */
        private Integer maxPageSize;

        /** Most results over all pages of one query. Library default: 500. */
        private Integer maxResults;

        /** Lifetime of a nearby cursor. Library default: 10m. */
        private java.time.Duration cursorTtl;

        public Double getMaxRadiusMeters() {
            return maxRadiusMeters;
        }

        public void setMaxRadiusMeters(Double maxRadiusMeters) {
            this.maxRadiusMeters = maxRadiusMeters;
        }

        public Integer getMaxPageSize() {
            return maxPageSize;
        }

        public void setMaxPageSize(Integer maxPageSize) {
            this.maxPageSize = maxPageSize;
        }

        public Integer getMaxResults() {
            return maxResults;
        }

        public void setMaxResults(Integer maxResults) {
            this.maxResults = maxResults;
        }

        public java.time.Duration getCursorTtl() {
            return cursorTtl;
        }

        public void setCursorTtl(java.time.Duration cursorTtl) {
            this.cursorTtl = cursorTtl;
        }
    }

    /** Chat sessions. */
    public static class Chat {
        /** How long an invite waits for an answer. Library default: 2m. */
        private java.time.Duration inviteTimeout;

        /** How long an active chat may stay silent before it ends. Library default: 30m. */
        private java.time.Duration idleTimeout;

        /** Longest message in characters. Library default: 4000. */
        private Integer maxMessageLength;

        /** Most participants of one chat. Library default: 2. */
        private Integer maxParticipants;

        /** Most open invites per user. Library default: 20. */
        private Integer maxPendingInvites;

        /** Messages kept per chat. Library default: 10000. */
        private Integer historyLimit;

        /** Messages per user per second; set together with message-burst. Library default: 5. */
        private Double messagesPerSecond;

        /** Messages per user at once; set together with messages-per-second. Library default: 20. */
        private Integer messageBurst;

        public java.time.Duration getInviteTimeout() {
            return inviteTimeout;
        }

        public void setInviteTimeout(java.time.Duration inviteTimeout) {
            this.inviteTimeout = inviteTimeout;
        }

        public java.time.Duration getIdleTimeout() {
            return idleTimeout;
        }

        public void setIdleTimeout(java.time.Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        public Integer getMaxMessageLength() {
            return maxMessageLength;
        }

        public void setMaxMessageLength(Integer maxMessageLength) {
            this.maxMessageLength = maxMessageLength;
        }

        public Integer getMaxParticipants() {
            return maxParticipants;
        }

        public void setMaxParticipants(Integer maxParticipants) {
            this.maxParticipants = maxParticipants;
        }

        public Integer getMaxPendingInvites() {
            return maxPendingInvites;
        }

        public void setMaxPendingInvites(Integer maxPendingInvites) {
            this.maxPendingInvites = maxPendingInvites;
        }

        public Integer getHistoryLimit() {
            return historyLimit;
        }

        public void setHistoryLimit(Integer historyLimit) {
            this.historyLimit = historyLimit;
        }

        public Double getMessagesPerSecond() {
            return messagesPerSecond;
        }

        public void setMessagesPerSecond(Double messagesPerSecond) {
            this.messagesPerSecond = messagesPerSecond;
        }

        public Integer getMessageBurst() {
            return messageBurst;
        }

        public void setMessageBurst(Integer messageBurst) {
            this.messageBurst = messageBurst;
        }
    }

    /** Ratings. */
    public static class Rating {
        /** How long after a chat ended it may be rated. Library default: 7d. */
        private java.time.Duration window;

        /** One rater's ratings of one user count once per this period. Library default: 7d. */
        private java.time.Duration countOncePer;

        /** Longest rating comment in characters. Library default: 500. */
        private Integer maxCommentLength;

        /** Most tags on one rating. Library default: 8. */
        private Integer maxTags;

        public java.time.Duration getWindow() {
            return window;
        }

        public void setWindow(java.time.Duration window) {
            this.window = window;
        }

        public java.time.Duration getCountOncePer() {
            return countOncePer;
        }

        public void setCountOncePer(java.time.Duration countOncePer) {
            this.countOncePer = countOncePer;
        }

        public Integer getMaxCommentLength() {
            return maxCommentLength;
        }

        public void setMaxCommentLength(Integer maxCommentLength) {
            this.maxCommentLength = maxCommentLength;
        }

        public Integer getMaxTags() {
            return maxTags;
        }

        public void setMaxTags(Integer maxTags) {
            this.maxTags = maxTags;
        }
    }
}
