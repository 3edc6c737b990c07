package dev.vicinity.rating.memory;

import dev.vicinity.core.UserId;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * Reference {@link RatingStore} and {@link RatingAuditStore} in the heap of one process.
 *
 * <p>Thread-safe with <b>one lock per ratee</b>: every write of a rating happens under the lock of its
 * ratee together with the change of that ratee's histogram, which makes insert-if-absent and
 * compare-and-set atomic with the aggregate update as the SPI requires; writes about different ratees
 * run in parallel. Reads are lock-free: {@link #find} reads a concurrent map, {@link #aggregate} one
 * volatile immutable histogram (O(1)).
 *
 * <p>The platform histogram is five atomic counters changed under the ratee lock; each counter is exact,
 * but a {@link #platformAggregate()} that runs concurrently with writes may see some buckets before and
 * others after a write (it is used only as the prior mean of the Bayesian score). At quiescence it
 * equals the sum of every user's histogram.
 *
 * <p>Costs: insert, compare-and-set O(log d) (d = sealed ratings, for the due index), find and aggregate
 * O(1), {@link #sealedDueBy} O(log d + limit), {@link #snapshot} O(ratings of the user). Memory: one
 * entry per rating plus one per sealed rating in the due index.
 */
public final class InMemoryRatingStore implements RatingStore, RatingAuditStore {

    private static final Comparator<Due> DUE_ORDER =
            Comparator.comparing(Due::revealAt).thenComparing(Due::key);

    private final Map<UserId, Ratee> ratees = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Due> due = new ConcurrentSkipListSet<>(DUE_ORDER);
    private final AtomicLongArray platform = new AtomicLongArray(Rating.MAX_STARS);

    /** All state about one ratee; the object itself is the ratee's lock. */
    private static final class Ratee {
        final Map<RatingKey, Rating> ratings = new ConcurrentHashMap<>();
        volatile StarHistogram histogram = StarHistogram.EMPTY;
        /** Per rater: reveal time of the last counted rating about this ratee (count-once rule). */
        final Map<UserId, Instant> lastCounted = new ConcurrentHashMap<>();
    }

    private record Due(Instant revealAt, RatingKey key) {}

    @Override
    public InsertResult insertIfAbsent(Rating rating) {
        return insertIfAbsent(rating, Duration.ZERO);
    }

    /** Insert-if-absent with the count-once rule, under the ratee's lock (the pair record lives there). */
    @Override
    public InsertResult insertIfAbsent(Rating rating, Duration countOncePer) {
        Objects.requireNonNull(rating, "rating");
        RatingStore.checkWindow(countOncePer);
        if (rating.version() != 1) {
            throw new IllegalArgumentException("a new rating must have version 1, got " + rating.version());
        }
        Ratee ratee = ratees.computeIfAbsent(rating.key().ratee(), u -> new Ratee());
        synchronized (ratee) {
            Rating existing = ratee.ratings.get(rating.key());
            if (existing != null) {
                return new InsertResult.Conflict(existing);
            }
            Rating stored = countOnce(ratee, null, rating, countOncePer);
            write(ratee, null, stored);
            return new InsertResult.Inserted(stored);
        }
    }

    @Override
    public Optional<Rating> find(RatingKey key) {
        Ratee ratee = ratees.get(key.ratee());
        return ratee == null ? Optional.empty() : Optional.ofNullable(ratee.ratings.get(key));
    }

    @Override
    public boolean compareAndSet(long expectedVersion, Rating updated) {
        return compareAndSet(expectedVersion, updated, Duration.ZERO);
    }

    /** Compare-and-set with the count-once rule, under the ratee's lock. */
    @Override
    public boolean compareAndSet(long expectedVersion, Rating updated, Duration countOncePer) {
        Objects.requireNonNull(updated, "updated");
        RatingStore.checkWindow(countOncePer);
        if (updated.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("updated version must be " + (expectedVersion + 1)
                    + ", got " + updated.version());
        }
        Ratee ratee = ratees.get(updated.key().ratee());
        if (ratee == null) {
            return false;
        }
        synchronized (ratee) {
            Rating current = ratee.ratings.get(updated.key());
            if (current == null || current.version() != expectedVersion) {
                return false;
            }
            write(ratee, current, countOnce(ratee, current, updated, countOncePer));
            return true;
        }
    }

    /**
     * The count-once rule (see {@link RatingStore}); caller holds the ratee's lock. Returns {@code next}
     * with its duplicate flag decided, and records the pair's last counted reveal when it counts.
     */
    private static Rating countOnce(Ratee ratee, @Nullable Rating old, Rating next, Duration window) {
        boolean wasRevealed = old != null && old.revealed();
        if (!next.revealed() || wasRevealed) {
            return next.withDuplicate(old != null && old.duplicate());
        }
        UserId rater = next.key().rater();
        Instant t = next.updatedAt();
        Instant last = ratee.lastCounted.get(rater);
        if (!window.isZero() && last != null && t.isBefore(last.plus(window))) {
            return next.withDuplicate(true);
        }
        if (last == null || t.isAfter(last)) {
            ratee.lastCounted.put(rater, t);
        }
        return next.withDuplicate(false);
    }

    /**
     * Row write plus the aggregate rule; caller holds the ratee's lock. The new histogram is computed
     * before anything is written. A bucket that would go below zero (only possible after the aggregate
     * was corrupted, e.g. by a wrong {@link #replaceAggregate}) stays at zero; reconcile repairs it.
     */
    private void write(Ratee ratee, @Nullable Rating old, Rating next) {
        long[] counts = ratee.histogram.toArray();
        if (old != null && old.counted()) {
            counts[old.stars() - 1] = Math.max(0, counts[old.stars() - 1] - 1);
        }
        if (next.counted()) {
            counts[next.stars() - 1]++;
        }
        StarHistogram h = StarHistogram.ofArray(counts);

        ratee.ratings.put(next.key(), next);
        boolean wasSealed = old != null && old.state() == RatingState.SEALED;
        boolean isSealed = next.state() == RatingState.SEALED;
        if (old != null && wasSealed && (!isSealed || !old.revealAt().equals(next.revealAt()))) {
            due.remove(new Due(old.revealAt(), old.key()));
        }
        if (isSealed) {
            due.add(new Due(next.revealAt(), next.key()));
        }
        if (old != null && old.counted()) {
            platform.decrementAndGet(old.stars() - 1);
        }
        if (next.counted()) {
            platform.incrementAndGet(next.stars() - 1);
        }
        ratee.histogram = h;
    }

    @Override
    public StarHistogram aggregate(UserId ratee) {
        Ratee r = ratees.get(Objects.requireNonNull(ratee, "ratee"));
        return r == null ? StarHistogram.EMPTY : r.histogram;
    }

    @Override
    public StarHistogram platformAggregate() {
        long[] c = new long[Rating.MAX_STARS];
        for (int i = 0; i < c.length; i++) {
            c[i] = Math.max(0, platform.get(i));
        }
        return StarHistogram.ofArray(c);
    }

    @Override
    public List<RatingKey> sealedDueBy(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        List<RatingKey> keys = new ArrayList<>(Math.min(limit, 64));
        for (Due d : due) {
            if (d.revealAt().isAfter(now) || keys.size() == limit) {
                break;
            }
            keys.add(d.key());
        }
        return keys;
    }

    @Override
    public Snapshot snapshot(UserId ratee) {
        Ratee r = ratees.get(Objects.requireNonNull(ratee, "ratee"));
        if (r == null) {
            return new Snapshot(StarHistogram.EMPTY, List.of());
        }
        synchronized (r) {
            return new Snapshot(r.histogram, new ArrayList<>(r.ratings.values()));
        }
    }

    @Override
    public boolean replaceAggregate(UserId ratee, StarHistogram expected, StarHistogram replacement) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(replacement, "replacement");
        Ratee r = ratees.computeIfAbsent(Objects.requireNonNull(ratee, "ratee"), u -> new Ratee());
        synchronized (r) {
            if (!r.histogram.equals(expected)) {
                return false;
            }
            long[] before = expected.toArray();
            long[] after = replacement.toArray();
            for (int i = 0; i < before.length; i++) {
                platform.addAndGet(i, after[i] - before[i]);
            }
            r.histogram = replacement;
            return true;
        }
    }
}
