package dev.vicinity.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.StoredLocation;
import dev.vicinity.testkit.geo.LocationStoreContract;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The testkit's {@link LocationStoreContract} against {@link RedisLocationStore} on the real Redis: version
 * compare-and-set and removal in one script, the staleness scan, exactly one winner among 8 racing writers.
 * The contract uses random user ids, so the tests of this class share one key prefix, deleted at the end.
 */
class RedisLocationStoreIT extends LocationStoreContract {
    private static final String PREFIX = RedisTestSupport.newPrefix("location");

    @AfterAll
    static void deleteKeys() {
        RedisTestSupport.deleteKeys(PREFIX);
    }

    @Override
    protected LocationStore createStore() {
        return RedisLocationStore.builder(RedisTestSupport.connection()).keyPrefix(PREFIX).stripes(4).build();
    }

    /** The index has millisecond scores; the cutoff is still exact to the nanosecond. */
    @Test
    void observedBeforeIsExactInsideTheCutoffsMillisecond() {
        Instant t = Instant.parse("1999-06-01T00:00:00.000000500Z");
        UserId early = user("ns-early");
        UserId late = user("ns-late");
        store.compareAndSet(0, location(early, 1, 1, t.minusNanos(1)));
        store.compareAndSet(0, location(late, 1, 1, t));

        assertThat(store.observedBefore(t, 100).stream().map(StoredLocation::location).map(l -> l.user())
                .filter(u -> u.equals(early) || u.equals(late))).containsExactly(early);
        assertThat(store.get(early).orElseThrow().location().observedAt()).isEqualTo(t.minusNanos(1));
    }
}
