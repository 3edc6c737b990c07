package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The host's batch callbacks of one nearby query ({@link OnlineCheck#onlineAmong},
 * {@link ScoreProvider#scores}), asked once per distance bucket; counts the calls for
 * {@code VicinityListener.onNearbyBatchCalls}, and (with the store reads the matcher adds to
 * {@link #storeCalls}) for {@code VicinityListener.onNearbyBackendCalls}. One instance per query; not
 * thread-safe. Not API.
 */
final class BatchResolver {
    private final OnlineCheck online;
    private final ScoreProvider scores;
    /** Batch calls made so far. */
    int calls;
    /** Calls to the rate-limit store, location store, block list and proximity index made so far. */
    int storeCalls;

    BatchResolver(OnlineCheck online, ScoreProvider scores) {
        this.online = online;
        this.scores = scores;
    }

    /** Resolves the entries {@code idx[from..to)} (one bucket): sets keep and score of each. */
    void resolve(UserId[] users, int[] idx, int from, int to, boolean includeOffline, boolean[] keep,
                 double[] score) {
        boolean checkOnline = !includeOffline && online != OnlineCheck.ALWAYS;
        if ((!checkOnline || online instanceof UserSideTable) && (scores == ScoreProvider.NONE
                || (scores instanceof UserSideTable && (!checkOnline || scores == online)))) {
            // The host's table (or nothing) answers both: read it in place, one probe per entry, no
            // collection per bucket. Counted as the generic path would be, so the figure does not
            // depend on the wiring.
            boolean readScore = scores != ScoreProvider.NONE;
            if (checkOnline || readScore) {
                UserSideTable table = (UserSideTable) (checkOnline ? online : scores);
                table.resolve(users, idx, from, to, checkOnline, readScore, keep, score);
            } else {
                for (int k = from; k < to; k++) {
                    keep[idx[k]] = true;
                    score[idx[k]] = Double.NEGATIVE_INFINITY;
                }
            }
            if (checkOnline) {
                calls++;
            }
            if (readScore) {
                for (int k = from; k < to; k++) {
                    if (keep[idx[k]]) {
                        calls++;
                        break;
                    }
                }
            }
            return;
        }
        int n = to - from;
        List<UserId> ask = new ArrayList<>(n);
        for (int k = from; k < to; k++) {
            ask.add(users[idx[k]]);
        }
        List<UserId> on = ask;
        int[] onIdx = null; // null: entry a of `on` is idx[from + a]
        if (!includeOffline && online != OnlineCheck.ALWAYS) {
            calls++;
            Set<UserId> answer = online.onlineAmong(ask);
            on = new ArrayList<>(Math.min(n, answer.size()));
            onIdx = new int[n];
            for (int a = 0; a < n; a++) {
                UserId u = ask.get(a);
                if (answer.contains(u)) {
                    onIdx[on.size()] = idx[from + a];
                    on.add(u);
                }
            }
        }
        double[] s = null;
        if (scores != ScoreProvider.NONE && !on.isEmpty()) {
            calls++;
            s = scores.scores(on);
            if (s == null || s.length != on.size()) {
                throw new IllegalStateException("ScoreProvider.scores returned " + (s == null ? "null" : s.length
                        + " scores") + " for " + on.size() + " users");
            }
        }
        for (int a = 0; a < on.size(); a++) {
            int i = onIdx == null ? idx[from + a] : onIdx[a];
            keep[i] = true;
            score[i] = s == null || Double.isNaN(s[a]) ? Double.NEGATIVE_INFINITY : s[a];
        }
    }
}
