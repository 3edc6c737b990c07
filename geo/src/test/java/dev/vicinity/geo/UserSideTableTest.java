package dev.vicinity.geo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link UserSideTable}: what a host writes is what the matcher's callbacks read, under growth and races. */
class UserSideTableTest {

    @Test
    void anAbsentUserIsOfflineWithoutAScore() {
        UserSideTable t = new UserSideTable();
        UserId u = UserId.of("nobody");
        assertThat(t.isOnline(u)).isFalse();
        assertThat(t.score(u)).isNaN();
        assertThat(t.onlineAmong(List.of(u))).isEmpty();
        assertThat(t.scores(List.of(u))[0]).isNaN();
        assertThat(t.size()).isZero();
    }

    @Test
    void flagAndScoreAreSetIndependentlyAndReadByEqualIds() {
        UserSideTable t = new UserSideTable();
        t.setOnline(UserId.of("a"), true);
        assertThat(t.isOnline(new UserId("a"))).isTrue();
        assertThat(t.score(new UserId("a"))).isNaN();
        t.setScore(UserId.of("a"), 4.25);
        assertThat(t.isOnline(UserId.of("a"))).isTrue();
        assertThat(t.score(UserId.of("a"))).isEqualTo(4.25);
        t.setOnline(UserId.of("a"), false);
        assertThat(t.score(UserId.of("a"))).isEqualTo(4.25);
        assertThat(t.isOnline(UserId.of("a"))).isFalse();
        t.setScore(UserId.of("b"), 1.5);
        assertThat(t.isOnline(UserId.of("b"))).isFalse();
        t.put(UserId.of("c"), true, Double.NaN);
        assertThat(t.onlineAmong(List.of(UserId.of("a"), UserId.of("b"), UserId.of("c")))).containsExactly(UserId.of("c"));
        assertThat(t.scores(List.of(UserId.of("c"), UserId.of("a"), UserId.of("b")))).containsExactly(Double.NaN, 4.25, 1.5);
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.remove(UserId.of("a"))).isTrue();
        assertThat(t.remove(UserId.of("a"))).isFalse();
        assertThat(t.isOnline(UserId.of("a"))).isFalse();
        assertThat(t.score(UserId.of("a"))).isNaN();
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void scoresAreKeptAsFloats() {
        UserSideTable t = new UserSideTable();
        t.setScore(UserId.of("a"), 0.1);
        assertThat(t.score(UserId.of("a"))).isEqualTo((double) 0.1f);
    }

    @Test
    void keepsEveryUserThroughGrowthRemovalsAndReinserts() {
        UserSideTable t = new UserSideTable();
        Map<UserId, Double> truthScore = new HashMap<>();
        Map<UserId, Boolean> truthOnline = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(3);
        for (int step = 0; step < 60_000; step++) {
            UserId u = UserId.of("u" + rnd.nextInt(20_000));
            int op = rnd.nextInt(10);
            if (op == 0) {
                assertThat(t.remove(u)).isEqualTo(truthScore.remove(u) != null);
                truthOnline.remove(u);
            } else {
                boolean on = rnd.nextBoolean();
                double s = rnd.nextInt(1000) / 8.0;
                t.put(u, on, s);
                truthOnline.put(u, on);
                truthScore.put(u, s);
            }
        }
        assertThat(t.size()).isEqualTo(truthScore.size());
        List<UserId> all = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            all.add(UserId.of("u" + i));
        }
        double[] s = t.scores(all);
        Set<UserId> on = t.onlineAmong(all);
        for (int i = 0; i < all.size(); i++) {
            UserId u = all.get(i);
            assertThat(s[i]).as("%s", u).isEqualTo(truthScore.getOrDefault(u, Double.NaN));
            assertThat(on.contains(u)).as("%s", u).isEqualTo(truthOnline.getOrDefault(u, false));
        }
    }

    @Test
    void lockFreeReadsRacingInsertsAndRebuildsSeeEveryPublishedUser() throws Exception {
        UserSideTable t = new UserSideTable();
        int n = 200_000;
        UserId[] ids = new UserId[n];
        for (int i = 0; i < n; i++) {
            ids[i] = UserId.of("r" + i);
        }
        AtomicInteger published = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(1);
            while (published.get() < n && failure.get() == null) {
                int p = published.get();
                if (p == 0) {
                    continue;
                }
                int i = rnd.nextInt(p);
                UserId u = UserId.of("r" + i); // equal, not identical
                if (!t.isOnline(u) || t.score(u) != i % 1000) {
                    failure.set("user " + i + " of " + p + " published: online " + t.isOnline(u) + ", score " + t.score(u));
                }
            }
        });
        reader.start();
        for (int i = 0; i < n; i++) {
            t.put(ids[i], true, i % 1000);
            published.set(i + 1);
        }
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(t.size()).isEqualTo(n);
    }
}
