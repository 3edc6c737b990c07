package dev.vicinity.rating;

import dev.vicinity.core.UserId;
import dev.vicinity.rating.spi.RatingStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * A ranking score per user that other modules (e.g. geo matching) can use without depending on
 * rating: adapt it to their own score interface in the host, e.g.
 * {@code ScoreProvider.batch(users -> scores.scoresOf(users, Double.NaN))}. Implementations read one
 * O(1) aggregate per user ({@link #scoreOf}) or one batch of aggregates per call ({@link #scoresOf})
 * and are thread-safe.
 */
@FunctionalInterface
public interface RatingScores {

    /**
     * The user's ranking score (higher is better; on the 1..5 star scale), or empty while the user
     * has fewer revealed ratings than the minimum count.
     */
    OptionalDouble scoreOf(UserId user);

    /**
     * The ranking scores of {@code users}, in order, with {@code unrated} for users without a score.
     * The default asks {@link #scoreOf} once per user; {@link #of} answers with one batch aggregate read
     * ({@link RatingStore#aggregates}).
     */
    default double[] scoresOf(List<UserId> users, double unrated) {
        double[] s = new double[users.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scoreOf(users.get(i)).orElse(unrated);
        }
        return s;
    }

    /** As a plain function, with {@code unrated} for users without a score. */
    default ToDoubleFunction<UserId> orElse(double unrated) {
        return user -> scoreOf(user).orElse(unrated);
    }

    /**
     * Scores computed by {@code policy} from {@code store}'s aggregates: {@link #scoreOf} reads one
     * aggregate, {@link #scoresOf} one batch ({@link RatingStore#aggregates}). Thread-safe if the store is.
     */
    static RatingScores of(RatingStore store, ScorePolicy policy) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(policy, "policy");
        return new RatingScores() {
            @Override
            public OptionalDouble scoreOf(UserId user) {
                return policy.rankingScore(store.aggregate(user));
            }

            @Override
            public double[] scoresOf(List<UserId> users, double unrated) {
                double[] s = new double[users.size()];
                if (s.length == 0) {
                    return s;
                }
                Map<UserId, StarHistogram> aggregates = store.aggregates(users);
                for (int i = 0; i < s.length; i++) {
                    StarHistogram h = aggregates.get(users.get(i));
                    s[i] = policy.rankingScore(h == null ? StarHistogram.EMPTY : h).orElse(unrated);
                }
                return s;
            }
        };
    }
}
