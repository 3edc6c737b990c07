package dev.vicinity.memory;

import dev.vicinity.testkit.rating.RatingScenario;
import dev.vicinity.testkit.rating.RatingScenario.Op;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random operation sequences (submit, edit while sealed, withdraw, session end, time passing,
 * window-close reveal) on {@link InMemoryRatingStore}: after every step each outcome is the one the
 * rules predict, every aggregate equals a recount of the stored ratings and double-blind holds
 * (checked by {@link RatingScenario}). jqwik shrinks a failure to a minimal sequence.
 */
class InMemoryRatingProperties {

    @Property(tries = 300)
    void aggregatesEqualARecountAfterEveryStep(@ForAll("operations") List<Op> ops) {
        new RatingScenario(new InMemoryRatingStore()).run(ops);
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> session = Arbitraries.integers().between(0, RatingScenario.SESSIONS - 1);
        Arbitrary<Integer> user = Arbitraries.integers().between(0, RatingScenario.USERS - 1);
        Arbitrary<Integer> stars = Arbitraries.integers().between(1, 5);
        Arbitrary<Op> submit = Combinators.combine(session, user, user, stars, Arbitraries.of(true, false))
                .as((s, a, b, st, k) -> new RatingScenario.Submit(s, a, b, st, k));
        Arbitrary<Op> edit = Combinators.combine(session, user, user, stars)
                .as((s, a, b, st) -> new RatingScenario.Edit(s, a, b, st));
        Arbitrary<Op> withdraw = Combinators.combine(session, user, user)
                .as((s, a, b) -> new RatingScenario.Withdraw(s, a, b));
        Arbitrary<Op> end = session.map(RatingScenario.EndSession::new);
        Arbitrary<Op> advance = Arbitraries.longs().between(1, 3 * 24 * 60).map(RatingScenario.Advance::new);
        Arbitrary<Op> reveal = Arbitraries.just(new RatingScenario.RevealDue());
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, submit),
                net.jqwik.api.Tuple.of(2, edit),
                net.jqwik.api.Tuple.of(2, withdraw),
                net.jqwik.api.Tuple.of(2, end),
                net.jqwik.api.Tuple.of(3, advance),
                net.jqwik.api.Tuple.of(2, reveal));
        return op.list().ofMinSize(1).ofMaxSize(80);
    }
}
