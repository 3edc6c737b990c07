package dev.vicinity.geo;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The distance buckets shown to users: consecutive ranges {@code [0, e0), [e0, e1), ...} given by
 * strictly increasing upper edges. Default: 500 m, 1, 2, 3, 5, 10, 20, 50, 100 km, labelled
 * {@code "< 500 m"}, {@code "500 m - 1 km"}, {@code "1-2 km"}, ..., {@code "50-100 km"}.
 *
 * <p>Immutable and thread-safe; {@link #indexOf} is O(number of buckets).
 */
public final class DistanceBuckets {
    private final double[] edges;
    private final List<DistanceBucket> buckets;

    private DistanceBuckets(double[] edges) {
        this.edges = edges;
        List<DistanceBucket> list = new ArrayList<>();
        for (int i = 0; i < edges.length; i++) {
            double lower = i == 0 ? 0.0 : edges[i - 1];
            String label = i == 0 ? "< " + format(edges[0]) : format(lower, edges[i]);
            list.add(new DistanceBucket(i, lower, edges[i], label));
        }
        this.buckets = List.copyOf(list);
    }

    /**
     * The default buckets: upper edges 500 m, 1, 2, 3, 5, 10, 20, 50, 100 km. The first edge is two
     * cells of the default 250 m privacy grid: a finer edge would show little more than "same or
     * next cell", and a coarser one makes every query in a dense city rank (score, online-check)
     * every user within it, about four times as many at 1 km.
     */
    public static DistanceBuckets defaults() {
        return ofUpperEdgesMeters(500, 1_000, 2_000, 3_000, 5_000, 10_000, 20_000, 50_000, 100_000);
    }

    /**
     * Buckets with the given strictly increasing, positive, finite upper edges in metres.
     *
     * @throws InvalidInputException code {@code invalid_argument} otherwise
     */
    public static DistanceBuckets ofUpperEdgesMeters(double... upperEdges) {
        if (upperEdges == null || upperEdges.length == 0) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "at least one bucket edge is required");
        }
        double prev = 0;
        for (double e : upperEdges) {
            if (!(e > prev) || Double.isInfinite(e)) {
                throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT,
                        "bucket edges must be finite, positive and strictly increasing");
            }
            prev = e;
        }
        return new DistanceBuckets(upperEdges.clone());
    }

    /** Index of the bucket of {@code meters}, or -1 if it is at or beyond the last edge. */
    public int indexOf(double meters) {
        for (int i = 0; i < edges.length; i++) {
            if (meters < edges[i]) {
                return i;
            }
        }
        return -1;
    }

    /** The bucket at {@code index}. */
    public DistanceBucket get(int index) {
        return buckets.get(index);
    }

    /** Upper edge in metres of bucket {@code index}. */
    public double upperEdge(int index) {
        return edges[index];
    }

    /** Number of buckets. */
    public int size() {
        return edges.length;
    }

    /** The largest distance that still has a bucket (exclusive). */
    public double maxMeters() {
        return edges[edges.length - 1];
    }

    /** All buckets, nearest first (immutable). */
    public List<DistanceBucket> all() {
        return buckets;
    }

    private static String format(double lower, double upper) {
        if (upper >= 1000 && lower % 1000 == 0 && upper % 1000 == 0) {
            return String.format(Locale.ROOT, "%d-%d km", (long) lower / 1000, (long) upper / 1000);
        }
        return format(lower) + " - " + format(upper);
    }

    private static String format(double meters) {
        if (meters >= 1000 && meters % 100 == 0) {
            double km = meters / 1000;
            return km == Math.rint(km) ? String.format(Locale.ROOT, "%d km", (long) km)
                    : String.format(Locale.ROOT, "%.1f km", km);
        }
        return String.format(Locale.ROOT, "%d m", Math.round(meters));
    }
}
