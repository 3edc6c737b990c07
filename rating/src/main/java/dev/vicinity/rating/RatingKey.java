package dev.vicinity.rating;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.util.Comparator;
import java.util.Objects;

/**
 * Identity of a rating: who rated whom in which session. The store holds at most one rating per key,
 * ever (a withdrawn rating keeps its key, so the rater cannot rate again).
 *
 * <p>Immutable value; ordered by session, rater, ratee (string order of the ids).
 *
 * @param session the chat session the rating is about
 * @param rater the participant who gives the rating
 * @param ratee the participant who receives it
 */
public record RatingKey(SessionId session, UserId rater,
                        UserId ratee) implements Comparable<RatingKey> {

    private static final Comparator<RatingKey> ORDER = Comparator.comparing(RatingKey::session)
            .thenComparing(RatingKey::rater)
            .thenComparing(RatingKey::ratee);

    /** @throws NullPointerException if any part is null */
    public RatingKey {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(rater, "rater");
        Objects.requireNonNull(ratee, "ratee");
    }

    /** Shorthand for the constructor. */
    public static RatingKey of(SessionId session, UserId rater,
                               UserId ratee) {
        return new RatingKey(session, rater, ratee);
    }

    /** The key of the rating the ratee would give the rater in the same session. O(1). */
    public RatingKey counterpart() {
        return new RatingKey(session, ratee, rater);
    }

    @Override
    public int compareTo(RatingKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return session + "/" + rater + "->" + ratee;
    }
}
