package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Host-pluggable ranking score inside a distance bucket (e.g. a rating-based score); higher ranks
 * first. NaN means "no score" and counts as the lowest score.
 *
 * <p>{@link NearbyMatcher} calls {@link #scores} once per distance bucket it ranks, with every
 * eligible candidate of the bucket, so a backend can answer a whole bucket in one read: wire it with
 * {@link #batch}, e.g. {@code ScoreProvider.batch(users -> ratingScores.scoresOf(users, Double.NaN))}.
 * A host that implements only {@link #score} keeps working: the default {@link #scores} asks it once
 * per user.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ScoreProvider {
    /**
     * No user has a score ({@code NaN}): ranking inside a bucket falls through to the tie-break, and
     * {@code geo.nearby} answers carry no {@code score}.
     */
    ScoreProvider NONE = new ScoreProvider() {
        @Override
        public double score(UserId user) {
            return Double.NaN;
        }

        @Override
        public double[] scores(List<UserId> users) {
            double[] s = new double[users.size()];
            Arrays.fill(s, Double.NaN);
            return s;
        }
    };

    /** The score of {@code user}; higher ranks first; NaN for none. */
    double score(UserId user);

    /**
     * The scores of {@code users}, in the same order and of the same length (NaN for none). The default
     * asks {@link #score} once per user; override it (or use {@link #batch}) to answer in one read.
     */
    default double[] scores(List<UserId> users) {
        double[] s = new double[users.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = score(users.get(i));
        }
        return s;
    }

    /**
     * A provider answered by a batch function returning one score per user, in order (NaN for none);
     * its single-user form asks the batch function with one user.
     */
    static ScoreProvider batch(Function<? super List<UserId>, double[]> scores) {
        Objects.requireNonNull(scores, "scores");
        return new ScoreProvider() {
            @Override
            public double score(UserId user) {
                return scores.apply(List.of(user))[0];
            }

            @Override
            public double[] scores(List<UserId> users) {
                return scores.apply(users);
            }
        };
    }
}
