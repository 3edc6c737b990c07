package dev.vicinity.rating;

import dev.vicinity.core.UserId;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * A ranking score per user that other modules (e.g. geo matching) can use without depending on
 * rating: adapt it to their own score interface in the host. Implementations read one O(1)
 * aggregate per call and are thread-safe.
 */
@FunctionalInterface
public interface RatingScores {

    /**
     * The user's ranking score (higher is better; on the 1..5 star scale), or empty while the user
     * has fewer revealed ratings than the minimum count.
     */
    OptionalDouble scoreOf(UserId user);

    /** As a plain function, with {@code unrated} for users without a score. */
    default ToDoubleFunction<UserId> orElse(double unrated) {
        return user -> scoreOf(user).orElse(unrated);
    }
}
