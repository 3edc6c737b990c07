package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.spi.CandidateVisitor;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The eligible candidates of one nearby query pass, in parallel arrays for allocation-light ranking.
 * As a visitor it applies the query's exclusions to each user it is given, in the order: querier,
 * stale, blocked, radius, bucket, host filters, online, score. One instance per pass; not
 * thread-safe. Not API.
 */
final class NearbyCandidates implements CandidateVisitor {
    /** Relative tolerance below which a distance above a bucket edge (or the radius) counts as on it. */
    private static final double EDGE_TOLERANCE = 1e-9;

    /** What every pass of a matcher shares: the grid, the buckets and the host's filter. */
    record Rules(GeoGrid grid, DistanceBuckets buckets, CandidateFilter filter) {
        /**
         * The distance used for inclusion and buckets: between the two cell centres (the candidate's
         * position snapped back to the grid), shrunk by a relative 1e-9 so that a centre distance that
         * is an edge up to rounding counts as below it on every backend.
         */
        double publicDistance(double centerLat, double centerLon, double lat, double lon) {
            GeoPoint cell = grid.snap(GeoPoint.ofLatLon(lat, lon));
            return GeoDistance.meters(centerLat, centerLon, cell.lat(), cell.lon()) * (1 - EDGE_TOLERANCE);
        }
    }

    UserId[] users;
    int[] bucket;
    double[] score;
    int size;
    private final Rules rules;
    private final @Nullable CandidateFilter extra;
    private final boolean includeOffline;
    private final UserId querier;
    private final int querierHash;
    private final double centerLat;
    private final double centerLon;
    private final long staleSecond;
    private final int staleNano;
    private final @Nullable Set<UserId> blocked;
    private final double radius;
    private final int maxBucket;
    // Positions are cell centres, so consecutive candidates often share one.
    private double lastLat = Double.NaN;
    private double lastLon = Double.NaN;
    private double lastDistance;

    NearbyCandidates(Rules rules, int capacity, NearbyQuery q, double radius, UserId querier, GeoPoint center,
                     Instant staleBefore, Set<UserId> blocked, int maxBucket) {
        this.rules = rules;
        int c = Math.max(4, capacity);
        users = new UserId[c];
        bucket = new int[c];
        score = new double[c];
        this.extra = q.filter();
        this.includeOffline = q.includeOffline();
        this.querier = querier;
        this.querierHash = querier.hashCode();
        this.centerLat = center.lat();
        this.centerLon = center.lon();
        this.staleSecond = staleBefore.getEpochSecond();
        this.staleNano = staleBefore.getNano();
        this.blocked = blocked.isEmpty() ? null : blocked;
        this.radius = radius;
        this.maxBucket = maxBucket;
    }

    @Override
    public void visit(UserId u, double lat, double lon, long observedSecond, int observedNano) {
        if (u == querier || (u.hashCode() == querierHash && u.equals(querier))
                || observedSecond < staleSecond || (observedSecond == staleSecond && observedNano < staleNano)
                || (blocked != null && blocked.contains(u))) {
            return;
        }
        double d;
        if (lat == lastLat && lon == lastLon) {
            d = lastDistance;
        } else {
            d = rules.publicDistance(centerLat, centerLon, lat, lon);
            lastLat = lat;
            lastLon = lon;
            lastDistance = d;
        }
        if (d > radius) {
            return;
        }
        int b = rules.buckets().indexOf(d);
        if (b < 0 || b > maxBucket) {
            return;
        }
        if (!rules.filter().test(querier, u) || (extra != null && !extra.test(querier, u))) {
            return;
        }
        add(u, b, Double.NEGATIVE_INFINITY); // online and score are asked per bucket in resolve
    }

    /**
     * Applies the online check (unless offline users are included) and the score, bucket by bucket:
     * at most one batch call of each per bucket, then keeps only the online entries. Buckets up to
     * {@code prev}'s last (a previous, narrower pass of the same query, already resolved) take its
     * answers instead: an entry it kept keeps its score, any other was offline (or arrived between
     * the two reads) and is dropped.
     */
    void resolve(BatchResolver r, @Nullable NearbyCandidates prev) {
        if (size == 0) {
            return;
        }
        int known = -1;
        HashMap<UserId, Double> prevScores = null;
        if (prev != null) {
            known = prev.maxBucket;
            prevScores = new HashMap<>(Math.max(4, prev.size * 2));
            for (int i = 0; i < prev.size; i++) {
                prevScores.put(prev.users[i], prev.score[i]);
            }
        }
        int maxB = 0;
        for (int i = 0; i < size; i++) {
            maxB = Math.max(maxB, bucket[i]);
        }
        int[] start = new int[maxB + 2];
        for (int i = 0; i < size; i++) {
            start[bucket[i] + 1]++;
        }
        for (int b = 0; b <= maxB; b++) {
            start[b + 1] += start[b];
        }
        int[] order = new int[size];
        int[] pos = Arrays.copyOf(start, maxB + 1);
        for (int i = 0; i < size; i++) {
            order[pos[bucket[i]]++] = i;
        }
        boolean[] keep = new boolean[size];
        for (int b = 0; b <= maxB; b++) {
            if (start[b] == start[b + 1]) {
                continue;
            }
            if (b <= known) {
                for (int k = start[b]; k < start[b + 1]; k++) {
                    Double v = Objects.requireNonNull(prevScores).get(users[order[k]]); // b <= known implies prev
                    if (v != null) {
                        keep[order[k]] = true;
                        score[order[k]] = v;
                    }
                }
            } else {
                r.resolve(users, order, start[b], start[b + 1], includeOffline, keep, score);
            }
        }
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (keep[i]) {
                users[n] = users[i];
                bucket[n] = bucket[i];
                score[n] = score[i];
                n++;
            }
        }
        Arrays.fill(users, n, size, null);
        size = n;
    }

    private void add(UserId u, int b, double s) {
        if (size == users.length) {
            int c = size * 2;
            users = Arrays.copyOf(users, c);
            bucket = Arrays.copyOf(bucket, c);
            score = Arrays.copyOf(score, c);
        }
        users[size] = u;
        bucket[size] = b;
        score[size] = s;
        size++;
    }

    /** Indices of the best {@code k} entries, best first (see {@link BucketRanking}). */
    int[] top(int k, long salt) {
        return BucketRanking.top(users, bucket, score, size, k, salt);
    }
}
