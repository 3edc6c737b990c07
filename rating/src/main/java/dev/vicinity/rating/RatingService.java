package dev.vicinity.rating;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.rating.internal.RatingInput;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.rating.spi.RatingStore.InsertResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Post-chat ratings: who may rate, one rating per (session, rater, ratee), double-blind reveal,
 * withdrawal, O(1) aggregates and scores. The rules live here once; a {@link RatingStore} only keeps
 * rows and counters atomically.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Eligibility</b>, checked before anything is written: the session is known, rater ≠ ratee,
 *       both took part, the session has ended ({@code endedAt <= now}) and the rating window is open
 *       ({@code now < endedAt + ratingWindow}). Each failure is a {@link RatingResult.Rejected} with a
 *       stable code; malformed content (stars, tags, comment, idempotency key) is an
 *       {@link InvalidRatingException}.</li>
 *   <li><b>Exactly one</b> rating per (session, rater, ratee), by the store's insert-if-absent:
 *       concurrent double submits store one rating; the others get {@code already_rated}, or the
 *       stored rating back ({@code replayed}) when they carry the same idempotency key and content.</li>
 *   <li><b>Double-blind</b>: a rating is sealed — invisible to the ratee and not counted — until the
 *       ratee has rated the rater in the same session (then both are revealed) or the window closes
 *       ({@link #revealDue()} reveals it). Reveal is a compare-and-set from sealed, so it counts once
 *       however many callers race. A sealed rating may be edited by its rater while the window is open.</li>
 *   <li><b>Withdraw</b> (moderation) soft-deletes a rating; if it was revealed, the aggregate loses it
 *       exactly once. The key stays taken.</li>
 *   <li><b>Count once per window</b> ({@link Builder#countOncePer}, default 7 days): of the revealed
 *       ratings of one rater about one ratee, one counts per window; the others are revealed but
 *       not counted ({@link Rating#duplicate()}), decided by the store atomically with the reveal.</li>
 *   <li><b>Aggregates</b> are per-user star histograms of revealed ratings, changed by the store in the
 *       same atomic step as the rating; {@link #summary} and {@link #scores()} derive everything from
 *       them in O(1). {@link #reconcile} recounts and reports (and optionally repairs) drift.</li>
 * </ul>
 *
 * <p>Thread-safe; no lock is held here, all atomicity comes from the store. Times come from the
 * injected {@link Clock}. Listener events carry ids and codes only, never stars or comments.
 */
public final class RatingService {
    private static final Logger LOG = LoggerFactory.getLogger(RatingService.class);
    private static final int MAX_CAS_ATTEMPTS = RatingReveals.MAX_CAS_ATTEMPTS;

    /** Default count-once window: ratings of one rater about one ratee count once per 7 days. */
    public static final Duration DEFAULT_COUNT_ONCE_PER = Duration.ofDays(7);
    /** Default rating window: 7 days after the session ended. */
    public static final Duration DEFAULT_RATING_WINDOW = Duration.ofDays(7);
    /** Default longest comment, in code points. */
    public static final int DEFAULT_MAX_COMMENT_LENGTH = 500;
    /** Default most tags per rating. */
    public static final int DEFAULT_MAX_TAGS = 8;
    /** Default number of ratings {@link #revealDue()} handles per store call. */
    public static final int DEFAULT_REVEAL_BATCH = 256;

    private final RatingStore store;
    private final @Nullable RatingAuditStore audit;
    private final RatableSessions sessions;
    private final Clock clock;
    private final VicinityListener listener;
    private final Duration ratingWindow;
    private final Duration countOncePer;
    private final int maxCommentLength;
    private final int maxTags;
    private final int revealBatch;
    private final ScorePolicy policy;
    private final RatingScores scores;

    private final java.util.function.BiPredicate<UserId, UserId> blocks;
    private final RatingReveals reveals;
    private final RatingReconciler reconciler;

    private RatingService(Builder b) {
        this.blocks = b.blocks;
        this.store = b.store;
        this.audit = b.audit != null ? b.audit : (b.store instanceof RatingAuditStore a ? a : null);
        this.sessions = b.sessions;
        this.clock = b.clock;
        this.listener = VicinityListener.isolating(b.listener);
        this.ratingWindow = b.ratingWindow;
        this.countOncePer = b.countOncePer;
        this.maxCommentLength = b.maxCommentLength;
        this.maxTags = b.maxTags;
        this.revealBatch = b.revealBatch;
        this.policy = b.policy;
        this.scores = RatingScores.of(store, policy);
        this.reveals = new RatingReveals(store, countOncePer, revealBatch, listener);
        this.reconciler = new RatingReconciler(audit, listener);
    }

    /** Starts a builder; the store and the host's session facts are required. */
    public static Builder builder(RatingStore store, RatableSessions sessions) {
        return new Builder(store, sessions);
    }

    // ---------------------------------------------------------------- submit / edit / withdraw

    /** {@link #submit(RatingRequest)} with stars only. */
    public RatingResult submit(SessionId session, UserId rater, UserId ratee, int stars) {
        return submit(RatingRequest.of(session, rater, ratee, stars));
    }

    /**
     * Submits a rating. Eligibility is checked first (see the class comment); then the rating is
     * inserted if absent — revealed at once if the ratee has already rated the rater in this session,
     * sealed otherwise — and a sealed counterpart is revealed.
     *
     * <p>A retry with the same idempotency key and the same content returns the stored rating with
     * {@code replayed = true} (even after the window has closed); the same key with different content
     * is {@code idempotency_key_reused}; without a key a second submit is {@code already_rated}.
     *
     * <p>Cost: one session lookup and 3–6 store calls, O(1) each.
     *
     * @return the stored rating, or a rejection (nothing written)
     * @throws InvalidRatingException if stars, tags, comment or idempotency key are malformed
     */
    public RatingResult submit(RatingRequest request) {
        Objects.requireNonNull(request, "request");
        RatingKey key = request.key();
        checkContent(key, request.stars(), request.tags(), request.comment());
        try {
            RatingInput.checkIdempotencyKey(request.idempotencyKey());
        } catch (InvalidRatingException e) {
            listener.onRatingRejected(key.session(), key.rater(), e.code());
            throw e;
        }
        Instant now = clock.instant();
        Optional<RatableSession> facts = sessions.lookup(key.session());
        if (facts.isEmpty()) {
            return reject(key, RatingRejection.SESSION_NOT_FOUND);
        }
        if (key.rater().equals(key.ratee())) {
            return reject(key, RatingRejection.SELF_RATING);
        }
        Set<UserId> participants = facts.get().participants();
        if (!participants.contains(key.rater()) || !participants.contains(key.ratee())) {
            return reject(key, RatingRejection.NOT_PARTICIPANT);
        }
        if (blocks.test(key.ratee(), key.rater())) {
            // The ratee blocked the rater: the rating is dropped, and the rater is answered exactly as
            // for any sealed rating, so the blocked user learns nothing of the block.
            Instant endedAt = facts.get().endedAt();
            if (endedAt == null || now.isBefore(endedAt)) {
                return reject(key, RatingRejection.SESSION_NOT_ENDED);
            }
            if (!now.isBefore(endedAt.plus(ratingWindow))) {
                return reject(key, RatingRejection.WINDOW_CLOSED);
            }
            LOG.debug("rating dropped (ratee blocked rater): session={}", key.session());
            return new RatingResult.Accepted(Rating.create(key, request.stars(), request.tags(), request.comment(),
                    request.idempotencyKey(), RatingState.SEALED, now, endedAt.plus(ratingWindow)), false);
        }
        if (request.idempotencyKey() != null) {
            Optional<Rating> existing = store.find(key);
            if (existing.isPresent()) {
                return replayOrConflict(existing.get(), request);
            }
        }
        Instant endedAt = facts.get().endedAt();
        if (endedAt == null || now.isBefore(endedAt)) {
            return reject(key, RatingRejection.SESSION_NOT_ENDED);
        }
        Instant windowCloses = endedAt.plus(ratingWindow);
        if (!now.isBefore(windowCloses)) {
            return reject(key, RatingRejection.WINDOW_CLOSED);
        }

        RatingKey counterKey = key.counterpart();
        boolean counterpartSeen = store.find(counterKey).isPresent();
        Rating rating = Rating.create(key, request.stars(), request.tags(), request.comment(),
                request.idempotencyKey(), counterpartSeen ? RatingState.REVEALED : RatingState.SEALED,
                now, windowCloses);
        InsertResult inserted = store.insertIfAbsent(rating, countOncePer);
        if (inserted instanceof InsertResult.Conflict conflict) {
            return replayOrConflict(conflict.rating(), request);
        }
        rating = inserted.rating();
        listener.onRatingSubmitted(key.session(), key.rater(), key.ratee());
        LOG.debug("rating stored: session={} rater={} ratee={} sealed={}", key.session(), key.rater(),
                key.ratee(), !counterpartSeen);

        int revealed = counterpartSeen ? 1 : 0;
        if (counterpartSeen) {
            reveals.notifyRevealed(rating);
        }
        Rating current = rating;
        if (!counterpartSeen && store.find(counterKey).isPresent()) {
            // The counterpart arrived between our check and our insert: whichever of the two submits
            // inserts second always sees the other here, so the pair is never left sealed.
            counterpartSeen = true;
            Optional<Rating> mine = reveals.revealIfSealed(key, now, false);
            if (mine.isPresent()) {
                revealed++;
                current = mine.get();
            } else {
                current = store.find(key).orElse(rating);
            }
        }
        if (counterpartSeen && reveals.revealIfSealed(counterKey, now, false).isPresent()) {
            revealed++;
        }
        if (revealed > 0) {
            listener.onRatingsRevealed(key.session(), revealed);
        }
        return new RatingResult.Accepted(current, false);
    }

    private RatingResult replayOrConflict(Rating stored, RatingRequest request) {
        RatingKey key = request.key();
        String idempotencyKey = request.idempotencyKey();
        if (idempotencyKey == null || !idempotencyKey.equals(stored.idempotencyKey())) {
            return reject(key, RatingRejection.ALREADY_RATED);
        }
        if (!stored.sameContent(request.stars(), request.tags(), request.comment())) {
            return reject(key, RatingRejection.IDEMPOTENCY_KEY_REUSED);
        }
        return new RatingResult.Accepted(stored, true);
    }

    /**
     * Replaces stars, tags and comment of a sealed rating. Allowed only while the rating is sealed
     * and the window is open; the edited content is what will be counted on reveal.
     *
     * @param key the rating; its rater is the one editing (the host authenticates that)
     * @return the edited rating, or {@code rating_not_found}, {@code already_revealed},
     *     {@code already_withdrawn}, {@code window_closed}
     * @throws InvalidRatingException if the new content is malformed
     */
    public RatingResult edit(RatingKey key, int stars, @Nullable Set<String> tags, @Nullable String comment) {
        Objects.requireNonNull(key, "key");
        Set<String> newTags = tags == null ? Set.of() : Set.copyOf(tags);
        String newComment = comment == null || comment.isEmpty() ? null : comment;
        checkContent(key, stars, newTags, newComment);
        Instant now = clock.instant();
        for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
            Optional<Rating> found = store.find(key);
            if (found.isEmpty()) {
                return reject(key, RatingRejection.RATING_NOT_FOUND);
            }
            Rating current = found.get();
            switch (current.state()) {
                case WITHDRAWN:
                    return reject(key, RatingRejection.ALREADY_WITHDRAWN);
                case REVEALED:
                    return reject(key, RatingRejection.ALREADY_REVEALED);
                default:
                    break;
            }
            if (!now.isBefore(current.revealAt())) {
                return reject(key, RatingRejection.WINDOW_CLOSED);
            }
            if (current.sameContent(stars, newTags, newComment)) {
                return new RatingResult.Accepted(current, false);
            }
            Rating next = current.withContent(stars, newTags, newComment, now);
            if (store.compareAndSet(current.version(), next)) {
                listener.onRatingEdited(key.session(), key.rater(), key.ratee());
                return new RatingResult.Accepted(next, false);
            }
        }
        throw RatingReveals.contention(key);
    }

    /**
     * Withdraws a rating (moderation, soft delete). A revealed rating leaves the aggregate exactly
     * once; a sealed one is never revealed. The key stays taken: the rater cannot rate again.
     *
     * @return the withdrawn rating, or {@code rating_not_found} / {@code already_withdrawn}
     */
    public RatingResult withdraw(RatingKey key) {
        Objects.requireNonNull(key, "key");
        Instant now = clock.instant();
        for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
            Optional<Rating> found = store.find(key);
            if (found.isEmpty()) {
                return new RatingResult.Rejected(RatingRejection.RATING_NOT_FOUND);
            }
            Rating current = found.get();
            if (current.state() == RatingState.WITHDRAWN) {
                return new RatingResult.Rejected(RatingRejection.ALREADY_WITHDRAWN);
            }
            Rating next = current.withState(RatingState.WITHDRAWN, now);
            if (store.compareAndSet(current.version(), next)) {
                listener.onRatingWithdrawn(key.session(), key.rater(), key.ratee());
                LOG.info("rating withdrawn: session={} rater={} ratee={} wasRevealed={}", key.session(),
                        key.rater(), key.ratee(), current.counted());
                return new RatingResult.Accepted(next, false);
            }
        }
        throw RatingReveals.contention(key);
    }

    /**
     * Reveals every sealed rating whose window has closed ({@code revealAt <= now}). Call it
     * periodically (e.g. every minute); it is idempotent and safe to run on several nodes at once:
     * each rating is revealed, and counted, once.
     *
     * <p>Cost: O(due ratings) store calls, in batches.
     *
     * @return how many ratings this call revealed
     */
    public int revealDue() {
        return reveals.revealDue(clock.instant());
    }

    /**
     * Registers {@code handler}, told every rating this service reveals (at submit when the
     * counterpart arrives, or by {@link #revealDue()}), on the thread that revealed it. The gateway's
     * rating module uses it to push {@code rating.revealed}. Handlers must be fast; exceptions are
     * logged and ignored.
     */
    public void onRevealed(java.util.function.Consumer<Rating> handler) {
        reveals.addHandler(Objects.requireNonNull(handler, "handler"));
    }

    /**
     * The participants of {@code session} and when it ended, as the ratable-session source reports
     * them; empty if unknown.
     */
    public Optional<RatableSession> sessionFacts(SessionId session) {
        return sessions.lookup(Objects.requireNonNull(session, "session"));
    }

    /** The maximum comment length, in Unicode code points. */
    public int maxCommentLength() {
        return maxCommentLength;
    }

    /** The maximum number of tags on a rating. */
    public int maxTags() {
        return maxTags;
    }

    // ---------------------------------------------------------------- reads

    /** The stored rating in any state, for the host or a moderator (no audience check). One store read. */
    public Optional<Rating> find(RatingKey key) {
        return store.find(Objects.requireNonNull(key, "key"));
    }

    /**
     * The rating as {@code viewer} may see it: the rater sees their own rating in any state, the ratee
     * only once it is revealed (never while sealed or after withdrawal), anyone else nothing.
     */
    public Optional<Rating> findVisibleTo(RatingKey key, UserId viewer) {
        Objects.requireNonNull(viewer, "viewer");
        if (viewer.equals(key.rater())) {
            return store.find(key);
        }
        if (viewer.equals(key.ratee())) {
            return store.find(key).filter(Rating::revealed);
        }
        return Optional.empty();
    }

    /** The histogram of revealed ratings about {@code user}. O(1). */
    public StarHistogram aggregate(UserId user) {
        return store.aggregate(Objects.requireNonNull(user, "user"));
    }

    /** What may be shown about {@code user} under the score policy. O(1): two aggregate reads. */
    public RatingSummary summary(UserId user) {
        Objects.requireNonNull(user, "user");
        return policy.summarize(user, store.aggregate(user), store.platformAggregate());
    }

    /**
     * The ranking score provider (Evan Miller's star lower bound, empty below the minimum count), for
     * the host to hand to matching. Thread-safe; O(1) per call.
     */
    public RatingScores scores() {
        return scores;
    }

    // ---------------------------------------------------------------- reconcile

    /**
     * Recounts {@code user}'s aggregate from their stored ratings (one consistent snapshot) and
     * reports any drift to the listener ({@code onAggregateDrift}) and the log. With {@code repair},
     * replaces the stored aggregate by the recount through a compare-and-set, retrying a few times if
     * ratings change meanwhile.
     *
     * <p>Cost: O(ratings about the user).
     *
     * @throws IllegalStateException if the store does not implement {@link RatingAuditStore} and none
     *     was configured
     */
    public ReconcileReport reconcile(UserId user, boolean repair) {
        return reconciler.reconcile(Objects.requireNonNull(user, "user"), repair);
    }

    // ---------------------------------------------------------------- configuration

    /** The configured rating window. */
    public Duration ratingWindow() {
        return ratingWindow;
    }

    /** The count-once window: ratings of one rater about one ratee count once per this; zero = every one. */
    public Duration countOncePer() {
        return countOncePer;
    }

    /** The configured score policy. */
    public ScorePolicy scorePolicy() {
        return policy;
    }

    /** The clock this service reads. */
    public Clock clock() {
        return clock;
    }

    // ---------------------------------------------------------------- helpers

    private void checkContent(RatingKey key, int stars, Set<String> tags, @Nullable String comment) {
        try {
            RatingInput.checkStars(stars);
            RatingInput.checkTags(tags, maxTags);
            RatingInput.checkComment(comment, maxCommentLength);
        } catch (InvalidRatingException e) {
            listener.onRatingRejected(key.session(), key.rater(), e.code());
            throw e;
        }
    }

    private RatingResult reject(RatingKey key, RatingRejection reason) {
        listener.onRatingRejected(key.session(), key.rater(), reason.code());
        return new RatingResult.Rejected(reason);
    }

    /**
     * Options of a {@link RatingService}. Not thread-safe; {@link #build()} validates everything.
     */
    public static final class Builder {
        private final RatingStore store;
        private final RatableSessions sessions;
        private @Nullable RatingAuditStore audit;
        private Clock clock = Clock.systemUTC();
        private VicinityListener listener = VicinityListener.NO_OP;
        private Duration ratingWindow = DEFAULT_RATING_WINDOW;
        private Duration countOncePer = DEFAULT_COUNT_ONCE_PER;
        private int maxCommentLength = DEFAULT_MAX_COMMENT_LENGTH;
        private int maxTags = DEFAULT_MAX_TAGS;
        private int revealBatch = DEFAULT_REVEAL_BATCH;
        private ScorePolicy policy = ScorePolicy.DEFAULTS;
        private java.util.function.BiPredicate<UserId, UserId> blocks = (blocker, blocked) -> false;

        private Builder(RatingStore store, RatableSessions sessions) {
            this.store = Checks.notNull("store", store);
            this.sessions = Checks.notNull("sessions", sessions);
        }

        /** The clock (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** The listener (default: none); wrapped so that it can never break an operation. */
        public Builder listener(VicinityListener listener) {
            this.listener = Checks.notNull("listener", listener);
            return this;
        }

        /** How long after a session ended its participants may rate (default 7 days); 1 s .. 365 days. */
        public Builder ratingWindow(Duration window) {
            this.ratingWindow = Checks.notNull("ratingWindow", window);
            return this;
        }

        /**
         * Anti-farming rule (default 7 days): revealed ratings of the same rater about the same ratee
         * count once per {@code window} in the aggregate. A rating that becomes revealed less than
         * {@code window} after the last counted one of the pair is visible to the ratee but not counted
         * ({@link Rating#duplicate()}). {@link Duration#ZERO} counts every rating. 0 .. 365 days. The store
         * decides in the same atomic step as the reveal, so racing reveals of one pair count once.
         */
        public Builder countOncePer(Duration window) {
            this.countOncePer = Checks.notNull("countOncePer", window);
            return this;
        }

        /**
         * Who blocked whom ({@code blocks.test(blocker, blocked)}), default nobody. A rating of a user
         * who blocked the rater is dropped but answered as an ordinary sealed rating, so the blocked
         * user learns nothing; it never counts.
         */
        public Builder blockCheck(java.util.function.BiPredicate<UserId, UserId> blocks) {
            this.blocks = Checks.notNull("blocks", blocks);
            return this;
        }

        /** Longest comment in code points (default 500); 0 forbids comments; at most 100,000. */
        public Builder maxCommentLength(int max) {
            this.maxCommentLength = max;
            return this;
        }

        /** Most tags per rating (default 8); 0..64. */
        public Builder maxTags(int max) {
            this.maxTags = max;
            return this;
        }

        /** Ratings handled per store call by {@link RatingService#revealDue()} (default 256); 1..10,000. */
        public Builder revealBatchSize(int size) {
            this.revealBatch = size;
            return this;
        }

        /** Score options (default {@link ScorePolicy#DEFAULTS}). */
        public Builder scorePolicy(ScorePolicy policy) {
            this.policy = Checks.notNull("scorePolicy", policy);
            return this;
        }

        /** The audit store for {@link RatingService#reconcile}; default: the store itself if it is one. */
        public Builder audit(RatingAuditStore audit) {
            this.audit = Checks.notNull("audit", audit);
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first bad option, its range and the value given
         */
        public RatingService build() {
            Checks.between("ratingWindow", ratingWindow, Duration.ofSeconds(1), Duration.ofDays(365));
            Checks.between("countOncePer", countOncePer, Duration.ZERO, Duration.ofDays(365));
            Checks.between("maxCommentLength", maxCommentLength, 0, 100_000);
            Checks.between("maxTags", maxTags, 0, 64);
            Checks.between("revealBatchSize", revealBatch, 1, 10_000);
            return new RatingService(this);
        }
    }
}
