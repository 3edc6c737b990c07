package dev.vicinity.rating;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.rating.spi.RatingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The double-blind reveal of a {@link RatingService}: the compare-and-set SEALED → REVEALED (the store
 * decides atomically whether the rating counts, under the count-once rule), the periodic reveal of
 * ratings whose window closed, and the reveal handlers. A rating is revealed, and counted, once however
 * many callers race. Thread-safe; no lock is held, all atomicity comes from the store. Not API.
 */
final class RatingReveals {
    private static final Logger LOG = LoggerFactory.getLogger(RatingService.class);
    /** Guard against a broken store whose compare-and-set never succeeds. */
    static final int MAX_CAS_ATTEMPTS = 1000;

    private final RatingStore store;
    private final Duration countOncePer;
    private final int revealBatch;
    private final VicinityListener listener;
    private final List<Consumer<Rating>> handlers = new CopyOnWriteArrayList<>();

    RatingReveals(RatingStore store, Duration countOncePer, int revealBatch, VicinityListener listener) {
        this.store = store;
        this.countOncePer = countOncePer;
        this.revealBatch = revealBatch;
        this.listener = listener;
    }

    /** Reveals every sealed rating due at {@code now}, in batches; see {@link RatingService#revealDue()}. */
    int revealDue(Instant now) {
        Map<SessionId, Integer> perSession = new TreeMap<>();
        int total = 0;
        while (true) {
            List<RatingKey> due = store.sealedDueBy(now, revealBatch);
            int progress = 0;
            for (RatingKey key : due) {
                if (revealIfSealed(key, now, true).isPresent()) {
                    progress++;
                    perSession.merge(key.session(), 1, Integer::sum);
                }
            }
            total += progress;
            if (due.size() < revealBatch || progress == 0) {
                break;
            }
        }
        perSession.forEach(listener::onRatingsRevealed);
        if (total > 0) {
            LOG.debug("revealed {} ratings whose window closed", total);
        }
        return total;
    }

    /** Compare-and-set SEALED → REVEALED; empty if not sealed (anymore) or, when asked, not due. */
    Optional<Rating> revealIfSealed(RatingKey key, Instant now, boolean onlyIfDue) {
        for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
            Optional<Rating> found = store.find(key);
            if (found.isEmpty() || found.get().state() != RatingState.SEALED) {
                return Optional.empty();
            }
            Rating current = found.get();
            if (onlyIfDue && now.isBefore(current.revealAt())) {
                return Optional.empty();
            }
            Rating next = current.withState(RatingState.REVEALED, now);
            if (store.compareAndSet(current.version(), next, countOncePer)) {
                if (!countOncePer.isZero()) {
                    // The store decided whether it counts (count-once rule): read its flag back.
                    long version = next.version();
                    next = store.find(key).filter(r -> r.version() == version).orElse(next);
                }
                notifyRevealed(next);
                return Optional.of(next);
            }
        }
        throw contention(key);
    }

    /** Adds a handler told every rating revealed (see {@link RatingService#onRevealed}). */
    void addHandler(Consumer<Rating> handler) {
        handlers.add(handler);
    }

    void notifyRevealed(Rating r) {
        for (Consumer<Rating> h : handlers) {
            try {
                h.accept(r);
            } catch (RuntimeException e) {
                LOG.warn("reveal handler failed for session {}", r.key().session(), e);
            }
        }
    }

    /** The failure of a compare-and-set loop that never succeeded: the store is broken. */
    static IllegalStateException contention(RatingKey key) {
        return new IllegalStateException("compare-and-set on rating " + key + " failed "
                + MAX_CAS_ATTEMPTS + " times; the store is not linearizable");
    }
}
