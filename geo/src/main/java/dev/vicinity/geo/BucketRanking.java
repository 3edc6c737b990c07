package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import java.util.Arrays;

/**
 * The ranking of a nearby query over parallel arrays of eligible users: distance bucket (nearer
 * first), then score (higher first), then a secret-keyed tie-break (stable for a querier, different
 * between queriers, independent of positions), then the user id. Selecting the best {@code k} of
 * {@code n} entries costs O(n log k); the keyed tie-break is computed only for entries that tie on
 * bucket and score. One instance per call; not thread-safe. Not API.
 */
final class BucketRanking {
    private final UserId[] users;
    private final int[] bucket;
    private final double[] score;
    private final long salt;
    private final long[] tie;
    private final boolean[] tieKnown;

    private BucketRanking(UserId[] users, int[] bucket, double[] score, int size, long salt) {
        this.users = users;
        this.bucket = bucket;
        this.score = score;
        this.salt = salt;
        this.tie = new long[size];
        this.tieKnown = new boolean[size];
    }

    /**
     * Indices of the best {@code k} of the first {@code size} entries, best first: bounded max-heap,
     * then heap-sort in place.
     */
    static int[] top(UserId[] users, int[] bucket, double[] score, int size, int k, long salt) {
        return new BucketRanking(users, bucket, score, size, salt).top(size, k);
    }

    private int[] top(int size, int k) {
        int[] heap = new int[Math.min(k, size)];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (n < heap.length) {
                heap[n] = i;
                siftUp(heap, n++);
            } else if (before(i, heap[0])) {
                heap[0] = i;
                siftDown(heap, n);
            }
        }
        // The root is the worst kept entry: moving it to the end, repeatedly, leaves them best first.
        for (int m = n - 1; m > 0; m--) {
            int t = heap[0];
            heap[0] = heap[m];
            heap[m] = t;
            siftDown(heap, m);
        }
        return heap.length == n ? heap : Arrays.copyOf(heap, n);
    }

    /** The secret-keyed tie-break of entry {@code i}, computed on first use. */
    private long tieOf(int i) {
        if (!tieKnown[i]) {
            tie[i] = mix(salt ^ (users[i].hashCode() * 0x9E3779B97F4A7C15L));
            tieKnown[i] = true;
        }
        return tie[i];
    }

    /** Whether entry {@code a} ranks before entry {@code b}. */
    private boolean before(int a, int b) {
        if (bucket[a] != bucket[b]) {
            return bucket[a] < bucket[b];
        }
        int s = Double.compare(score[b], score[a]);
        if (s != 0) {
            return s < 0;
        }
        long ta = tieOf(a);
        long tb = tieOf(b);
        if (ta != tb) {
            return ta < tb;
        }
        return users[a].compareTo(users[b]) < 0;
    }

    // Max-heap on rank: the root is the worst of the kept entries.
    private void siftUp(int[] h, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(h[parent], h[i])) {
                break;
            }
            int t = h[parent];
            h[parent] = h[i];
            h[i] = t;
            i = parent;
        }
    }

    private void siftDown(int[] h, int n) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= n) {
                return;
            }
            int worst = l;
            int r = l + 1;
            if (r < n && before(h[l], h[r])) {
                worst = r;
            }
            if (!before(h[i], h[worst])) {
                return;
            }
            int t = h[i];
            h[i] = h[worst];
            h[worst] = t;
            i = worst;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
