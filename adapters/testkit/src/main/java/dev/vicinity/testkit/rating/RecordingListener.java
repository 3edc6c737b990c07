package dev.vicinity.testkit.rating;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A thread-safe {@link VicinityListener} that records every rating event as a short line such as
 * {@code "submitted s1 alice bob"}, {@code "rejected s1 alice already_rated"},
 * {@code "revealed s1 2"}, {@code "withdrawn s1 alice bob"}, {@code "drift bob 1 4"}.
 */
public final class RecordingListener implements VicinityListener {
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** Every event so far, oldest first. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** Events starting with {@code prefix}. */
    public List<String> events(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).toList();
    }

    /** Forgets every event. */
    public void clear() {
        events.clear();
    }

    @Override
    public void onRatingSubmitted(SessionId session, UserId rater, UserId ratee) {
        events.add("submitted " + session + " " + rater + " " + ratee);
    }

    @Override
    public void onRatingRejected(SessionId session, UserId rater, String code) {
        events.add("rejected " + session + " " + rater + " " + code);
    }

    @Override
    public void onRatingsRevealed(SessionId session, int count) {
        events.add("revealed " + session + " " + count);
    }

    @Override
    public void onRatingWithdrawn(SessionId session, UserId rater, UserId ratee) {
        events.add("withdrawn " + session + " " + rater + " " + ratee);
    }

    @Override
    public void onAggregateDrift(UserId user, long countDrift, long sumDrift) {
        events.add("drift " + user + " " + countDrift + " " + sumDrift);
    }
}
