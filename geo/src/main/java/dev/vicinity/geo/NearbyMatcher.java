package dev.vicinity.geo;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityException;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.geo.internal.CursorCodec;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.ProximityIndex;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matching: the nearest users within a radius of a querier, separate from location collection. It
 * reads only public (snapped) locations: the centre is always the querier's own cell, never a
 * client-supplied point.
 *
 * <p>A query excludes the querier, users blocked in either direction ({@link BlockList}), stale
 * locations (older than the {@link LocationService#maxAge()}), offline users (through
 * {@link OnlineCheck}, unless {@link NearbyQuery#includeOffline()}), and users rejected by the
 * host's {@link CandidateFilter}s. The rest is ranked by distance bucket (canonical
 * {@link GeoDistance} between the two cells), then {@link ScoreProvider} score (higher first), then
 * a tie-break that is a secret-keyed hash of the querier and the candidate ids: stable for a querier,
 * different between queriers, and independent of positions. Results show buckets only.
 *
 * <p>Privacy: because the centre is a cell centre and candidates are cell centres, moving the
 * querier within a cell changes nothing returned. Every candidate position a backend returns is
 * snapped back to its grid cell centre before it is measured (a backend may return it slightly off,
 * Redis by up to 0.6 m), so every backend computes bit-identical distances; a distance within a
 * relative 1e-9 above a bucket edge counts as below it, so cell pairs whose centre distance is exactly
 * an edge (two rows apart on the default grid: 500 m) are in the nearer bucket on every backend. The
 * requested radius is rounded up to the next bucket edge (capped at {@link Builder#maxRadiusMeters}),
 * so narrowing the radius reveals nothing finer than a bucket. The cursor is an HMAC-signed offset
 * bound to the querier and the query parameters ({@code invalid_cursor} otherwise); each user's
 * queries are rate-limited through a {@link RateLimitStore} ({@code rate_limited}; cluster-wide with
 * a distributed store). A querier without a fresh usable location gets {@code location_required}.
 *
 * <p>Several nodes: give every node the same {@link Builder#cursorSecret} (a cursor from one node then
 * continues on any other, and the tie order inside a bucket, keyed by the secret, is the same
 * everywhere) and the same distributed {@link Builder#rateLimitStore}. Without a configured secret
 * each instance draws a random one: cursors and tie order are then valid on this instance only
 * (single-node deployments); {@link Builder#distributed(boolean) distributed(true)} makes a missing
 * secret a build error.
 *
 * <p>Cost: the index is asked for a few times the needed results; only if the last distance bucket
 * reached may be incomplete is it asked again for everything inside that bucket (ranking by score
 * inside a bucket needs the whole bucket). So a query costs O(users in the buckets that make up the
 * page) plus the index's own cost, and never O(users within the radius) when the first buckets
 * suffice. The host's {@link OnlineCheck} and {@link ScoreProvider} are asked in batches, once per
 * distance bucket ranked ({@link OnlineCheck#onlineAmong}, {@link ScoreProvider#scores} with the
 * bucket's candidates, the scores for its online ones only), plus one online batch for the page when
 * offline users are included; a bucket re-read by a wider pass is not asked again. So a query costs at
 * most two host calls per bucket whatever the number of candidates, reported to
 * {@link VicinityListener#onNearbyBatchCalls}. Every backend call of a query (the rate-limit store,
 * the querier's location, the block list, each index read and those batch calls) is reported to
 * {@link VicinityListener#onNearbyBackendCalls}: a constant handful, whatever the number of
 * candidates. Pages are computed by offset: if locations change between two pages, a user may be
 * skipped or repeated.
 *
 * <p>Thread-safe.
 */
public final class NearbyMatcher {
    private static final Logger LOG = LoggerFactory.getLogger(NearbyMatcher.class);
    /** Relative inflation of radii sent to the index, covering backends that measure distance differently. */
    private static final double FETCH_INFLATION = 0.006;
    private static final double FETCH_SLACK_METERS = 1.0;

    private final LocationService locations;
    private final ProximityIndex index;
    private final BlockList blocks;
    private final OnlineCheck online;
    private final ScoreProvider scores;
    private final DistanceBuckets buckets;
    private final NearbyCandidates.Rules rules;
    private final double maxRadius;
    private final int maxPageSize;
    private final int maxResults;
    private final RateLimitStore limits;
    private final int ratePermits;
    private final double ratePermitsPerSecond;
    private final int maxBucketScan;
    private final CursorCodec cursors;
    private final Duration cursorTtl;
    private final Clock clock;
    private final VicinityListener listener;

    private NearbyMatcher(Builder b) {
        this.locations = b.locations;
        this.index = b.locations.index();
        this.blocks = b.blocks;
        this.online = b.online;
        this.scores = b.scores;
        this.buckets = b.buckets;
        this.rules = new NearbyCandidates.Rules(b.locations.grid(), b.buckets, b.filter);
        this.maxRadius = b.maxRadiusMeters;
        this.maxPageSize = b.maxPageSize;
        this.maxResults = b.maxResults;
        this.clock = b.clock == null ? b.locations.clock() : b.clock;
        this.limits = b.limits == null ? new LocalRateLimitStore() : b.limits;
        if (b.distributed && b.limits == null && b.ratePermits > 0) {
            LOG.warn("NearbyMatcher is distributed but has no shared rateLimitStore: the query limit holds per node"
                    + " (a client spreading queries over N nodes gets N times the budget)");
        }
        this.ratePermits = b.ratePermits;
        this.ratePermitsPerSecond = b.ratePermits == 0 ? 0 : b.ratePermits / (b.ratePer.toNanos() / 1e9);
        this.maxBucketScan = b.maxBucketScan;
        byte[] secret = b.cursorSecret;
        if (secret == null) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        }
        this.cursors = new CursorCodec(secret);
        this.cursorTtl = b.cursorTtl;
        this.listener = VicinityListener.isolating(b.listener);
    }

    /**
     * Starts a builder. {@code locations} supplies public locations and the index, {@code blocks} the
     * blocks, {@code online} presence (use {@link OnlineCheck#ALWAYS} without presence).
     */
    public static Builder builder(LocationService locations, BlockList blocks, OnlineCheck online) {
        return new Builder(locations, blocks, online);
    }

    /** The largest radius a query may ask for, in metres. */
    public double maxRadiusMeters() {
        return maxRadius;
    }

    /**
     * Runs one nearby query and returns one page.
     *
     * @throws InvalidInputException {@code invalid_argument} (radius or limit out of range) or
     *     {@code invalid_cursor}
     * @throws LocationRequiredException the querier has no fresh usable location
     * @throws RateLimitedException the querier exceeded the query rate
     */
    public NearbyPage nearby(NearbyQuery query) {
        Checks.notNull("query", query);
        long started = System.nanoTime();
        UserId querier = query.querier();
        try {
            BatchResolver resolver = new BatchResolver(online, scores);
            NearbyPage page = run(query, querier, resolver);
            listener.onNearbyBatchCalls(querier, resolver.calls);
            listener.onNearbyBackendCalls(querier, resolver.calls + resolver.storeCalls);
            listener.onNearbyQuery(querier, page.matches().size(), System.nanoTime() - started);
            return page;
        } catch (VicinityException e) {
            LOG.debug("nearby query of user {} refused: {}", querier, e.code());
            listener.onNearbyRejected(querier, e.code());
            throw e;
        }
    }

    private NearbyPage run(NearbyQuery q, UserId querier, BatchResolver resolver) {
        double requested = q.radiusMeters();
        if (!(requested > 0 && requested <= maxRadius)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT,
                    "radius must be within (0, " + maxRadius + "] metres");
        }
        double radius = snapRadius(requested);
        if (q.limit() < 1 || q.limit() > maxPageSize) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT,
                    "limit must be within [1, " + maxPageSize + "]");
        }
        Instant now = clock.instant();
        String shape = Double.toString(radius) + '|' + q.includeOffline();
        int offset = 0;
        if (q.cursor() != null) {
            OptionalInt decoded = cursors.decode(q.cursor(), querier, shape, now.getEpochSecond(), cursorTtl.toSeconds());
            if (decoded.isEmpty() || decoded.getAsInt() >= maxResults) {
                throw new InvalidInputException(GeoErrorCodes.INVALID_CURSOR,
                        "the cursor is invalid, expired, or belongs to another query");
            }
            offset = decoded.getAsInt();
        }
        if (ratePermits > 0) {
            resolver.storeCalls++;
            Duration wait = limits.tryAcquire("geo.nearby:" + querier.value(), ratePermitsPerSecond, ratePermits, now);
            if (!wait.isZero()) {
                throw new RateLimitedException("too many nearby queries", wait);
            }
        }
        resolver.storeCalls++;
        PublicLocation me = locations.publicLocation(querier).orElseThrow(() -> new LocationRequiredException(
                "a fresh location (precise, approximate or a manually picked place) is required to search nearby users"));

        int pageEnd = Math.min(offset + q.limit(), maxResults);
        int needed = pageEnd + 1;
        NearbyCandidates eligible = collect(q, radius, querier, me.cell(), now.minus(locations.maxAge()), needed, resolver);
        int[] top = eligible.top(needed, cursors.keyedHash("tb|" + querier.value()));
        // Without includeOffline every eligible user passed the online check; with it, ask for the page only, at once.
        Set<UserId> pageOnline = null;
        if (q.includeOffline() && online != OnlineCheck.ALWAYS && Math.min(top.length, pageEnd) > offset) {
            List<UserId> pageUsers = new ArrayList<>(Math.min(top.length, pageEnd) - offset);
            for (int i = offset; i < Math.min(top.length, pageEnd); i++) {
                pageUsers.add(eligible.users[top[i]]);
            }
            resolver.calls++;
            pageOnline = online.onlineAmong(pageUsers);
        }

        List<NearbyMatch> matches = new ArrayList<>(Math.max(0, Math.min(top.length, pageEnd) - offset));
        for (int i = offset; i < Math.min(top.length, pageEnd); i++) {
            int e = top[i];
            UserId u = eligible.users[e];
            boolean isOnline = pageOnline == null || pageOnline.contains(u);
            double s = eligible.score[e];
            matches.add(new NearbyMatch(u, buckets.get(eligible.bucket[e]), isOnline,
                    s == Double.NEGATIVE_INFINITY ? Double.NaN : s)); // -inf stands for "no score" in ranking
        }
        String next = top.length > pageEnd && pageEnd < maxResults
                ? cursors.encode(querier, shape, pageEnd, now.getEpochSecond()) : null;
        return new NearbyPage(matches, next);
    }

    /** The radius a query really uses: the requested one rounded up to the next bucket edge, at most the maximum. */
    double snapRadius(double requested) {
        int b = buckets.indexOf(requested);
        double edge = b < 0 ? buckets.maxMeters() : (requested == (b == 0 ? 0 : buckets.upperEdge(b - 1))
                ? requested : buckets.upperEdge(b));
        return Math.min(edge, maxRadius);
    }


    private NearbyCandidates collect(NearbyQuery q, double radius, UserId querier, GeoPoint center, Instant staleBefore,
                             int needed, BatchResolver resolver) {
        resolver.storeCalls += 2; // the block list, then the first index read
        Set<UserId> blocked = blocks.blockedEitherWay(querier);
        // Four times what the page needs, but never beyond maxBucketScan unless the page itself needs
        // more: an index read stays k-limited (PostgreSQL's index-ordered scan, for one, has a ceiling).
        int firstLimit = Math.max(needed, Math.min(Math.max(64, needed * 4), maxBucketScan));
        List<Candidate> first = index.candidates(center, fetchRadius(radius), firstLimit);
        if (first.size() < firstLimit) {
            NearbyCandidates all = new NearbyCandidates(rules, first.size(), q, radius, querier, center, staleBefore, blocked, Integer.MAX_VALUE);
            for (Candidate c : first) {
                GeoPoint p = c.point();
                Instant t = c.observedAt();
                all.visit(c.user(), p.lat(), p.lon(), t.getEpochSecond(), t.getNano());
            }
            all.resolve(resolver, null);
            return all;
        }
        // The index stopped at the limit: only buckets below the farthest one returned are complete.
        int farthest = 0;
        double reach = 0;
        // Candidates come nearest first and share cell centres: measure each distinct position once.
        double lastLat = Double.NaN;
        double lastLon = Double.NaN;
        double d = 0;
        for (Candidate c : first) {
            double lat = c.point().lat();
            double lon = c.point().lon();
            if (lat != lastLat || lon != lastLon) {
                d = rules.publicDistance(center.lat(), center.lon(), lat, lon);
                lastLat = lat;
                lastLon = lon;
            }
            reach = Math.max(reach, d);
            if (d <= radius) {
                farthest = Math.max(farthest, buckets.indexOf(d));
            }
        }
        int cap = Math.max(maxBucketScan, firstLimit);
        // Each pass below re-reads the nearer buckets: it takes their answers from the previous pass, so
        // each bucket is asked once.
        NearbyCandidates prev = null;
        for (int bucket = farthest; ; bucket++) {
            double edge = Math.min(radius, buckets.upperEdge(bucket));
            // Every user of the bucket is needed (score ranks inside it): scan without a Candidate each.
            // Size the arrays for the density the first fetch saw, so they rarely grow during the scan.
            double ratio = reach > 0 ? fetchRadius(edge) / reach : Double.POSITIVE_INFINITY;
            double expected = firstLimit * 1.25 * ratio * ratio;
            NearbyCandidates el;
            if (expected > cap) {
                // Denser than the bucket scan may read (e.g. thousands of users on one cell): rank the
                // nearest `cap` of the bucket only, a bounded read instead of the whole bucket.
                resolver.storeCalls++;
                List<Candidate> near = index.candidates(center, fetchRadius(edge), cap);
                el = new NearbyCandidates(rules, near.size(), q, radius, querier, center, staleBefore, blocked, bucket);
                for (Candidate c : near) {
                    GeoPoint p = c.point();
                    Instant t = c.observedAt();
                    el.visit(c.user(), p.lat(), p.lon(), t.getEpochSecond(), t.getNano());
                }
                el.resolve(resolver, prev);
                if (near.size() >= cap) {
                    return el;
                }
            } else {
                el = new NearbyCandidates(rules, Math.max(4 * firstLimit, (int) expected), q, radius, querier, center, staleBefore,
                        blocked, bucket);
                resolver.storeCalls++;
                index.forEachWithin(center, fetchRadius(edge), el);
                el.resolve(resolver, prev);
            }
            if (el.size >= needed || edge >= radius) {
                return el;
            }
            prev = el;
        }
    }

    private static double fetchRadius(double r) {
        return r * (1 + FETCH_INFLATION) + FETCH_SLACK_METERS;
    }

    /** Options of a {@link NearbyMatcher}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final LocationService locations;
        private final BlockList blocks;
        private final OnlineCheck online;
        private VicinityListener listener = VicinityListener.NO_OP;
        private ScoreProvider scores = ScoreProvider.NONE;
        private CandidateFilter filter = CandidateFilter.ALL;
        private DistanceBuckets buckets = DistanceBuckets.defaults();
        private double maxRadiusMeters = 50_000;
        private int maxPageSize = 100;
        private int maxResults = 500;
        private int ratePermits = 30;
        private Duration ratePer = Duration.ofMinutes(1);
        private byte @Nullable [] cursorSecret;
        private Duration cursorTtl = Duration.ofMinutes(10);
        private @Nullable Clock clock;
        private @Nullable RateLimitStore limits;
        private boolean distributed;
        private int maxBucketScan = 1_000;

        private Builder(LocationService locations, BlockList blocks, OnlineCheck online) {
            this.locations = Checks.notNull("locations", locations);
            this.blocks = Checks.notNull("blocks", blocks);
            this.online = Checks.notNull("online", online);
        }

        /** Receives query and rejection events. Default: no-op. */
        public Builder listener(VicinityListener listener) {
            this.listener = Checks.notNull("listener", listener);
            return this;
        }

        /** Ranking score inside a distance bucket. Default: {@link ScoreProvider#NONE}. */
        public Builder scoreProvider(ScoreProvider scores) {
            this.scores = Checks.notNull("scores", scores);
            return this;
        }

        /** A host predicate applied to every query. Default: {@link CandidateFilter#ALL}. */
        public Builder filter(CandidateFilter filter) {
            this.filter = Checks.notNull("filter", filter);
            return this;
        }

        /** The distance buckets shown to users. Default: {@link DistanceBuckets#defaults()}. */
        public Builder buckets(DistanceBuckets buckets) {
            this.buckets = Checks.notNull("buckets", buckets);
            return this;
        }

        /** Largest radius a query may ask for; below the last bucket edge. Default 50 km. */
        public Builder maxRadiusMeters(double meters) {
            this.maxRadiusMeters = meters;
            return this;
        }

        /** Largest page size. Default 100. */
        public Builder maxPageSize(int size) {
            this.maxPageSize = size;
            return this;
        }

        /** How deep pagination may go (offset + page size). Default 500. */
        public Builder maxResults(int results) {
            this.maxResults = results;
            return this;
        }

        /** Per-user query rate: bursts of {@code permits}, {@code permits} per {@code per} on average. Default 30 per minute. */
        public Builder rateLimit(int permits, Duration per) {
            this.ratePermits = permits;
            this.ratePer = Checks.notNull("per", per);
            return this;
        }

        /**
         * Where the query-rate token buckets live (key {@code geo.nearby:<user>}). Default: a
         * {@link LocalRateLimitStore} of this instance, so the limit is per node; give every node the
         * same distributed store (e.g. {@code RedisRateLimitStore}) to make it cluster-wide.
         */
        public Builder rateLimitStore(RateLimitStore store) {
            this.limits = Checks.notNull("store", store);
            return this;
        }

        /**
         * Declares that several nodes serve the same users: then {@link #cursorSecret} is required (the
         * build fails without it), so that cursors and tie order agree between nodes, and a missing
         * shared {@link #rateLimitStore} is logged as a warning. Default false.
         */
        public Builder distributed(boolean distributed) {
            this.distributed = distributed;
            return this;
        }

        /**
         * Most users a query reads to rank the last distance bucket it needs (default 1,000, the largest
         * limit the PostgreSQL adapter answers with an index-ordered scan). Ranking by
         * score inside a bucket needs the whole bucket; where a bucket holds more (thousands of users
         * on a few cells), only its nearest {@code users} are ranked, which bounds the cost of a query
         * near a dense point.
         */
        public Builder maxBucketScan(int users) {
            this.maxBucketScan = users;
            return this;
        }

        /** Disables the per-user rate limit (for trusted internal callers and benchmarks only). */
        public Builder noRateLimit() {
            this.ratePermits = 0;
            return this;
        }

        /**
         * Secret (&gt;= 16 bytes) that signs cursors and keys the tie-break; give every node the same one
         * so that a cursor works on any node and ties are ordered the same everywhere. Default: random per
         * instance, which is correct for a single node only (a cursor from another node is
         * {@code invalid_cursor}); required when {@link #distributed(boolean) distributed}.
         */
        public Builder cursorSecret(byte[] secret) {
            this.cursorSecret = Checks.notNull("secret", secret).clone();
            return this;
        }

        /** How long a cursor stays valid. Default 10 minutes. */
        public Builder cursorTtl(Duration ttl) {
            this.cursorTtl = Checks.notNull("ttl", ttl);
            return this;
        }

        /** Clock for rate limits and cursors. Default: the location service's clock. */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /**
         * Builds the matcher.
         *
         * @throws IllegalArgumentException naming the offending option
         */
        public NearbyMatcher build() {
            Checks.check(maxRadiusMeters > 0 && maxRadiusMeters < buckets.maxMeters(),
                    "NearbyMatcher: maxRadiusMeters must be positive and below the last bucket edge ("
                            + buckets.maxMeters() + " m), got " + maxRadiusMeters);
            Checks.atLeast("maxPageSize", maxPageSize, 1);
            Checks.atLeast("maxResults (at least maxPageSize)", maxResults, maxPageSize);
            Checks.check(ratePermits >= 0 && (ratePermits == 0 || !(ratePer.isNegative() || ratePer.isZero())),
                    "NearbyMatcher: rateLimit needs permits >= 1 and a positive period, got " + ratePermits
                            + " per " + ratePer);
            Checks.check(!distributed || cursorSecret != null, "NearbyMatcher: distributed(true) requires"
                    + " cursorSecret(...): the same secret of at least 16 bytes on every node, so that a cursor"
                    + " issued by one node is accepted by the others");
            Checks.atLeast("maxBucketScan", maxBucketScan, 1);
            Checks.check(cursorSecret == null || cursorSecret.length >= 16,
                    "NearbyMatcher: cursorSecret must have at least 16 bytes, got " + (cursorSecret == null ? 0
                            : cursorSecret.length));
            Checks.positive("cursorTtl", cursorTtl);
            return new NearbyMatcher(this);
        }
    }
}
