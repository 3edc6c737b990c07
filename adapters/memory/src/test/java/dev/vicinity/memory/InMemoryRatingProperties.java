package dev.vicinity.memory;

import dev.vicinity.rating.memory.InMemoryRatingStore;

import dev.vicinity.testkit.rating.RatingScenario;
import dev.vicinity.testkit.rating.RatingScenario.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random operation sequences (submit, edit while sealed, withdraw, session end, time passing,
 * window-close reveal) on {@link InMemoryRatingStore}: after every step each outcome is the one the
 * rules predict, every aggregate equals a recount of the stored ratings and double-blind holds
 * (checked by {@link RatingScenario}). Each case is generated from a fixed seed, so a failure
 * reproduces by its seed.
 */
class InMemoryRatingProperties {

    /** 300 fixed seeds, one generated sequence each (the former 300 tries). */
    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aggregatesEqualARecountAfterEveryStep(long seed) {
        new RatingScenario(new InMemoryRatingStore()).run(operations(new Random(seed)));
    }

    /** 1..80 operations, weighted submit 9, edit 2, withdraw 2, end 2, advance 3, reveal 2. */
    static List<Op> operations(Random rnd) {
        int size = 1 + rnd.nextInt(80);
        List<Op> ops = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            ops.add(operation(rnd));
        }
        return ops;
    }

    private static Op operation(Random rnd) {
        int pick = rnd.nextInt(9 + 2 + 2 + 2 + 3 + 2);
        if (pick < 9) {
            return new RatingScenario.Submit(session(rnd), user(rnd), user(rnd), stars(rnd), rnd.nextBoolean());
        }
        pick -= 9;
        if (pick < 2) {
            return new RatingScenario.Edit(session(rnd), user(rnd), user(rnd), stars(rnd));
        }
        pick -= 2;
        if (pick < 2) {
            return new RatingScenario.Withdraw(session(rnd), user(rnd), user(rnd));
        }
        pick -= 2;
        if (pick < 2) {
            return new RatingScenario.EndSession(session(rnd));
        }
        pick -= 2;
        if (pick < 3) {
            return new RatingScenario.Advance(1 + rnd.nextInt(3 * 24 * 60));
        }
        return new RatingScenario.RevealDue();
    }

    private static int session(Random rnd) {
        return rnd.nextInt(RatingScenario.SESSIONS);
    }

    private static int user(Random rnd) {
        return rnd.nextInt(RatingScenario.USERS);
    }

    private static int stars(Random rnd) {
        return 1 + rnd.nextInt(5);
    }
}
