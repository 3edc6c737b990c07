package dev.vicinity.testkit.rating;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.RatableSession;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingRejection;
import dev.vicinity.rating.RatingRequest;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingStore;
import dev.vicinity.core.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Drives a {@link RatingService} over any {@link RatingStore} with a sequence of random operations
 * (submit, edit while sealed, withdraw, session end, time passing, window-close reveal) and checks
 * after every step that:
 * <ul>
 *   <li>each operation's outcome is the one the rules predict from the state before it;</li>
 *   <li>every user's stored aggregate equals a recount of the stored ratings, and the platform
 *       aggregate equals the sum of all users';</li>
 *   <li>double-blind holds: a sealed rating has no stored counterpart, a revealed one has a counterpart
 *       or its window has closed, and nothing sealed is left past its window after a reveal sweep.</li>
 * </ul>
 * Used by {@link RatingServiceContract} with seeded {@link Random}s and by seeded property tests that
 * generate the operations themselves. Not thread-safe; one scenario per test.
 */
public final class RatingScenario {
    /** Number of users, ids {@code u0..u3}. */
    public static final int USERS = 4;
    /** Number of sessions, ids {@code s0..s4}. */
    public static final int SESSIONS = 5;
    /** Rating window of the scenario's service. */
    public static final Duration WINDOW = Duration.ofDays(2);
    private static final int[][] PARTICIPANTS = {{0, 1}, {1, 2}, {0, 1, 2, 3}, {2, 3}, {0, 3}};

    /** One step of a scenario. */
    public sealed interface Op permits Submit, Edit, Withdraw, EndSession, Advance, RevealDue {}

    /** Submit by user {@code rater} about {@code ratee} in session {@code session}; optional idempotency key. */
    public record Submit(int session, int rater, int ratee, int stars, boolean withIdempotencyKey) implements Op {}

    /** The rater changes the stars of their rating. */
    public record Edit(int session, int rater, int ratee, int stars) implements Op {}

    /** A moderator withdraws the rating. */
    public record Withdraw(int session, int rater, int ratee) implements Op {}

    /** The session ends now (no-op if it has ended already). */
    public record EndSession(int session) implements Op {}

    /** Time passes. */
    public record Advance(long minutes) implements Op {}

    /** The periodic reveal sweep runs. */
    public record RevealDue() implements Op {}

    private final RatingStore store;
    private final MutableClock clock = new MutableClock();
    private final TestSessions sessions = new TestSessions();
    private final RatingService service;
    private final List<String> log = new ArrayList<>();

    /** A scenario on a fresh, empty {@code store}; all sessions start ongoing. */
    public RatingScenario(RatingStore store) {
        this.store = store;
        for (int s = 0; s < SESSIONS; s++) {
            UserId[] users = new UserId[PARTICIPANTS[s].length];
            for (int i = 0; i < users.length; i++) {
                users[i] = user(PARTICIPANTS[s][i]);
            }
            sessions.ongoing(session(s), users);
        }
        this.service = RatingService.builder(store, sessions).clock(clock).ratingWindow(WINDOW).build();
    }

    /** The user with index {@code i}. */
    public static UserId user(int i) {
        return UserId.of("u" + i);
    }

    /** The session with index {@code i}. */
    public static SessionId session(int i) {
        return SessionId.of("s" + i);
    }

    /** A random operation; ends and time steps are frequent enough that windows open and close. */
    public static Op randomOp(Random rnd) {
        int kind = rnd.nextInt(20);
        int s = rnd.nextInt(SESSIONS);
        int a = rnd.nextInt(USERS);
        int b = rnd.nextInt(USERS);
        int stars = 1 + rnd.nextInt(5);
        if (kind < 9) {
            return new Submit(s, a, b, stars, rnd.nextBoolean());
        } else if (kind < 11) {
            return new Edit(s, a, b, stars);
        } else if (kind < 13) {
            return new Withdraw(s, a, b);
        } else if (kind < 15) {
            return new EndSession(s);
        } else if (kind < 18) {
            return new Advance(1 + rnd.nextInt(3 * 24 * 60));
        } else {
            return new RevealDue();
        }
    }

    /** Runs {@code ops} in order, checking the invariants after each. */
    public void run(List<? extends Op> ops) {
        for (Op op : ops) {
            apply(op);
        }
    }

    /** Applies one operation, checks its outcome and every invariant. */
    public void apply(Op op) {
        log.add(op.toString());
        if (op instanceof Submit s) {
            submit(s);
        } else if (op instanceof Edit e) {
            edit(e);
        } else if (op instanceof Withdraw w) {
            withdraw(w);
        } else if (op instanceof EndSession e) {
            RatableSession facts = sessions.lookup(session(e.session())).orElseThrow();
            if (facts.endedAt() == null) {
                sessions.end(session(e.session()), clock.instant());
            }
        } else if (op instanceof Advance a) {
            clock.advance(Duration.ofMinutes(a.minutes()));
        } else if (op instanceof RevealDue) {
            service.revealDue();
            for (Rating r : allRatings()) {
                assertThat(r.state() == RatingState.SEALED && !clock.instant().isBefore(r.revealAt()))
                        .as("sealed past its window after a sweep: %s; ops %s", r, log).isFalse();
            }
        }
        checkInvariants();
    }

    private static RatingKey key(int s, int rater, int ratee) {
        return RatingKey.of(session(s), user(rater), user(ratee));
    }

    private void submit(Submit op) {
        RatingKey key = key(op.session(), op.rater(), op.ratee());
        RatingRequest request = new RatingRequest(key, op.stars(), Set.of(), null,
                op.withIdempotencyKey() ? "idem-" + op.stars() : null);
        Optional<RatingRejection> expected = expectedSubmitRejection(request);
        Optional<Rating> before = store.find(key);
        RatingResult result = service.submit(request);
        if (expected.isPresent()) {
            assertThat(result).as("%s; ops %s", op, log).isEqualTo(new RatingResult.Rejected(expected.get()));
            assertThat(store.find(key)).as("nothing written on rejection; ops %s", log).isEqualTo(before);
        } else {
            assertThat(result).as("%s; ops %s", op, log).isInstanceOf(RatingResult.Accepted.class);
            Rating stored = store.find(key).orElseThrow();
            assertThat(stored.stars()).isEqualTo(op.stars());
            if (before.isPresent()) {
                assertThat(((RatingResult.Accepted) result).replayed()).isTrue();
                assertThat(stored).isEqualTo(before.get());
            }
        }
    }

    private Optional<RatingRejection> expectedSubmitRejection(RatingRequest request) {
        RatingKey key = request.key();
        RatableSession facts = sessions.lookup(key.session()).orElseThrow();
        if (key.rater().equals(key.ratee())) {
            return Optional.of(RatingRejection.SELF_RATING);
        }
        if (!facts.participants().contains(key.rater()) || !facts.participants().contains(key.ratee())) {
            return Optional.of(RatingRejection.NOT_PARTICIPANT);
        }
        Optional<Rating> existing = store.find(key);
        if (existing.isPresent() && request.idempotencyKey() != null) {
            if (!request.idempotencyKey().equals(existing.get().idempotencyKey())) {
                return Optional.of(RatingRejection.ALREADY_RATED);
            }
            return existing.get().sameContent(request.stars(), request.tags(), request.comment())
                    ? Optional.empty() : Optional.of(RatingRejection.IDEMPOTENCY_KEY_REUSED);
        }
        Instant now = clock.instant();
        if (facts.endedAt() == null || now.isBefore(facts.endedAt())) {
            return Optional.of(RatingRejection.SESSION_NOT_ENDED);
        }
        if (!now.isBefore(facts.endedAt().plus(WINDOW))) {
            return Optional.of(RatingRejection.WINDOW_CLOSED);
        }
        return existing.isPresent() ? Optional.of(RatingRejection.ALREADY_RATED) : Optional.empty();
    }

    private void edit(Edit op) {
        RatingKey key = key(op.session(), op.rater(), op.ratee());
        Optional<Rating> before = store.find(key);
        RatingRejection expected = null;
        if (before.isEmpty()) {
            expected = RatingRejection.RATING_NOT_FOUND;
        } else if (before.get().state() == RatingState.WITHDRAWN) {
            expected = RatingRejection.ALREADY_WITHDRAWN;
        } else if (before.get().state() == RatingState.REVEALED) {
            expected = RatingRejection.ALREADY_REVEALED;
        } else if (!clock.instant().isBefore(before.get().revealAt())) {
            expected = RatingRejection.WINDOW_CLOSED;
        }
        RatingResult result = service.edit(key, op.stars(), Set.of(), null);
        if (expected != null) {
            assertThat(result).as("%s; ops %s", op, log).isEqualTo(new RatingResult.Rejected(expected));
            assertThat(store.find(key)).isEqualTo(before);
        } else {
            assertThat(result).as("%s; ops %s", op, log).isInstanceOf(RatingResult.Accepted.class);
            Rating after = store.find(key).orElseThrow();
            assertThat(after.stars()).isEqualTo(op.stars());
            assertThat(after.state()).isEqualTo(RatingState.SEALED);
        }
    }

    private void withdraw(Withdraw op) {
        RatingKey key = key(op.session(), op.rater(), op.ratee());
        Optional<Rating> before = store.find(key);
        RatingResult result = service.withdraw(key);
        if (before.isEmpty()) {
            assertThat(result).isEqualTo(new RatingResult.Rejected(RatingRejection.RATING_NOT_FOUND));
        } else if (before.get().state() == RatingState.WITHDRAWN) {
            assertThat(result).isEqualTo(new RatingResult.Rejected(RatingRejection.ALREADY_WITHDRAWN));
        } else {
            assertThat(result).as("%s; ops %s", op, log).isInstanceOf(RatingResult.Accepted.class);
            assertThat(store.find(key).orElseThrow().state()).isEqualTo(RatingState.WITHDRAWN);
        }
    }

    private List<Rating> allRatings() {
        List<Rating> all = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            for (int a = 0; a < USERS; a++) {
                for (int b = 0; b < USERS; b++) {
                    store.find(key(s, a, b)).ifPresent(all::add);
                }
            }
        }
        return all;
    }

    /** Checks the aggregate and double-blind invariants against the store's current content. */
    public void checkInvariants() {
        List<Rating> all = allRatings();
        StarHistogram sum = StarHistogram.EMPTY;
        for (int u = 0; u < USERS; u++) {
            UserId user = user(u);
            StarHistogram recount = StarHistogram.recount(
                    all.stream().filter(r -> r.key().ratee().equals(user)).toList());
            assertThat(store.aggregate(user)).as("aggregate of %s after ops %s", user, log).isEqualTo(recount);
            assertThat(service.aggregate(user)).isEqualTo(recount);
            sum = sum.plus(recount);
        }
        assertThat(store.platformAggregate()).as("platform after ops %s", log).isEqualTo(sum);
        Instant now = clock.instant();
        for (Rating r : all) {
            boolean counterpart = store.find(r.key().counterpart()).isPresent();
            if (r.state() == RatingState.SEALED) {
                assertThat(counterpart).as("sealed although the counterpart rated: %s; ops %s", r, log).isFalse();
            }
            if (r.state() == RatingState.REVEALED) {
                assertThat(counterpart || !now.isBefore(r.revealAt()))
                        .as("revealed early: %s; ops %s", r, log).isTrue();
            }
        }
    }

    /** The service under test. */
    public RatingService service() {
        return service;
    }
}
