package dev.vicinity.geo.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityException;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.geo.GeoErrorCodes;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.IngestResult;
import dev.vicinity.geo.LocationFix;
import dev.vicinity.geo.LocationRequiredException;
import dev.vicinity.geo.LocationService;
import dev.vicinity.geo.LocationSource;
import dev.vicinity.geo.LocationState;
import dev.vicinity.geo.NearbyMatcher;
import dev.vicinity.geo.NearbyQuery;
import dev.vicinity.geo.OnlineCheck;
import dev.vicinity.geo.PublicLocation;
import dev.vicinity.core.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Location collection through the in-memory store and index: every rejection is typed and stores nothing. */
class GeoLocationServiceTest {
    final MutableClock clock = new MutableClock();
    final InMemoryLocationStore store = new InMemoryLocationStore();
    final InMemoryProximityIndex index = new InMemoryProximityIndex();
    final List<String> events = new CopyOnWriteArrayList<>();
    final VicinityListener listener = new VicinityListener() {
        @Override
        public void onLocationAccepted(UserId user, String source) {
            events.add("accepted " + user + " " + source);
        }

        @Override
        public void onLocationRejected(UserId user, String code) {
            events.add("rejected " + user + " " + code);
        }

        @Override
        public void onLocationsPurged(int count) {
            events.add("purged " + count);
        }

        @Override
        public void onNearbyRejected(UserId querier, String code) {
            events.add("nearby-rejected " + querier + " " + code);
        }
    };
    final LocationService service = LocationService.builder(store, index).clock(clock).listener(listener)
            .maxAge(Duration.ofMinutes(30)).maxSpeedMetersPerSecond(100).build();
    final UserId alice = UserId.of("alice");
    final UserId bob = UserId.of("bob");

    Instant now() {
        return clock.instant();
    }

    @Test
    void acceptedFixIsSnappedStoredAndIndexed() {
        IngestResult r = service.submit(alice, LocationFix.precise(52.520008, 13.404954, 8, now()));
        assertThat(r).isInstanceOf(IngestResult.Accepted.class);
        PublicLocation l = ((IngestResult.Accepted) r).location();
        assertThat(l.cell()).isEqualTo(service.grid().snap(GeoPoint.ofLatLon(52.520008, 13.404954)));
        assertThat(l.cell()).isNotEqualTo(GeoPoint.ofLatLon(52.520008, 13.404954));
        assertThat(store.get(alice)).isPresent();
        assertThat(index.candidates(l.cell(), 1, 10)).hasSize(1);
        assertThat(service.state(alice)).isEqualTo(LocationState.FRESH);
        assertThat(events).containsExactly("accepted alice PRECISE");
    }

    private void assertRejected(LocationFix fix, String code) {
        long before = store.get(alice).map(s -> s.version()).orElse(0L);
        int indexed = index.size();
        assertThatThrownBy(() -> service.submit(alice, fix))
                .isInstanceOf(VicinityException.class)
                .hasFieldOrPropertyWithValue("code", code);
        assertThat(store.get(alice).map(s -> s.version()).orElse(0L)).as("store untouched").isEqualTo(before);
        assertThat(index.size()).as("index untouched").isEqualTo(indexed);
        assertThat(events.get(events.size() - 1)).isEqualTo("rejected alice " + code);
    }

    @Test
    void nanAndOutOfRangeCoordinatesAreRejected() {
        assertRejected(LocationFix.precise(Double.NaN, 13.4, 5, now()), GeoErrorCodes.INVALID_COORDINATES);
        assertRejected(LocationFix.precise(52.5, Double.POSITIVE_INFINITY, 5, now()), GeoErrorCodes.INVALID_COORDINATES);
        assertRejected(LocationFix.precise(91, 13.4, 5, now()), GeoErrorCodes.INVALID_COORDINATES);
        assertRejected(LocationFix.precise(52.5, 13.4, Double.NaN, now()), GeoErrorCodes.INVALID_ACCURACY);
        assertRejected(LocationFix.precise(52.5, 13.4, -1, now()), GeoErrorCodes.INVALID_ACCURACY);
        assertThat(store.get(alice)).isEmpty();
    }

    @Test
    void futureTimestampIsRejected() {
        assertRejected(LocationFix.precise(52.5, 13.4, 5, now().plusSeconds(31)), GeoErrorCodes.FUTURE_TIMESTAMP);
        assertThat(service.submit(alice, LocationFix.precise(52.5, 13.4, 5, now().plusSeconds(29))))
                .isInstanceOf(IngestResult.Accepted.class); // within the allowed clock skew
    }

    @Test
    void staleFixIsRejected() {
        assertRejected(LocationFix.precise(52.5, 13.4, 5, now().minus(Duration.ofMinutes(31))), GeoErrorCodes.STALE_LOCATION);
    }

    @Test
    void teleportJumpIsRejectedAndTheOldLocationStays() {
        service.submit(alice, LocationFix.precise(52.52, 13.405, 5, now()));
        clock.advance(Duration.ofSeconds(60));
        PublicLocation before = service.location(alice).orElseThrow();
        // Berlin -> Paris (878 km) in one minute at a 100 m/s limit.
        assertRejected(LocationFix.precise(48.8566, 2.3522, 5, now()), GeoErrorCodes.IMPLAUSIBLE_JUMP);
        assertThat(service.location(alice)).contains(before);
        assertThat(index.candidates(before.cell(), 1, 10)).hasSize(1);
        // The same trip after three hours is plausible, and a manual place may be anywhere at once.
        clock.advance(Duration.ofMinutes(20));
        assertThat(service.submit(alice, LocationFix.manual(48.8566, 2.3522, now()))).isInstanceOf(IngestResult.Accepted.class);
    }

    @Test
    void outOfOrderFixIsSupersededAndChangesNothing() {
        service.submit(alice, LocationFix.precise(52.52, 13.405, 5, now()));
        PublicLocation stored = service.location(alice).orElseThrow();
        IngestResult r = service.submit(alice, LocationFix.precise(52.53, 13.405, 5, now().minusSeconds(10)));
        assertThat(r).isEqualTo(new IngestResult.Superseded(now()));
        assertThat(service.location(alice)).contains(stored);
    }

    @Test
    void deniedPermissionWithdrawsAPreciseLocationAndSearchNeedsALocation() {
        service.submit(alice, LocationFix.precise(52.52, 13.405, 5, now()));
        IngestResult r = service.submit(alice, LocationFix.denied(now()));
        assertThat(r).isEqualTo(new IngestResult.Denied(false));
        assertThat(service.state(alice)).isEqualTo(LocationState.NONE);
        assertThat(index.size()).isZero();

        NearbyMatcher matcher = NearbyMatcher.builder(service, new InMemoryBlockList(), OnlineCheck.ALWAYS)
                .listener(listener).build();
        assertThatThrownBy(() -> matcher.nearby(NearbyQuery.of(alice, 5_000, 10)))
                .isInstanceOf(LocationRequiredException.class)
                .hasFieldOrPropertyWithValue("code", GeoErrorCodes.LOCATION_REQUIRED);
        assertThat(events).contains("nearby-rejected alice location_required");

        // A manually picked place makes search possible again, and survives a later denial.
        service.submit(alice, LocationFix.manual(52.52, 13.405, now()));
        service.submit(bob, LocationFix.precise(52.521, 13.405, 5, now()));
        assertThat(matcher.nearby(NearbyQuery.of(alice, 5_000, 10)).matches()).hasSize(1);
        assertThat(service.submit(alice, LocationFix.denied(now()))).isEqualTo(new IngestResult.Denied(true));
        assertThat(service.state(alice)).isEqualTo(LocationState.FRESH);
    }

    @Test
    void staleUsersAreExcludedAndTheSweeperPurgesThem() {
        service.submit(alice, LocationFix.precise(52.52, 13.405, 5, now()));
        clock.advance(Duration.ofMinutes(20));
        service.submit(bob, LocationFix.precise(52.521, 13.405, 5, now()));
        NearbyMatcher matcher = NearbyMatcher.builder(service, new InMemoryBlockList(), OnlineCheck.ALWAYS).build();
        assertThat(matcher.nearby(NearbyQuery.of(bob, 5_000, 10)).matches()).hasSize(1);

        clock.advance(Duration.ofMinutes(11)); // alice is now 31 minutes old
        assertThat(service.state(alice)).isEqualTo(LocationState.STALE);
        assertThat(matcher.nearby(NearbyQuery.of(bob, 5_000, 10)).matches()).isEmpty();
        assertThatThrownBy(() -> matcher.nearby(NearbyQuery.of(alice, 5_000, 10))).isInstanceOf(LocationRequiredException.class);

        assertThat(service.sweep()).isEqualTo(1);
        assertThat(service.state(alice)).isEqualTo(LocationState.NONE);
        assertThat(store.get(alice)).isEmpty();
        assertThat(index.size()).isEqualTo(1);
        assertThat(events).contains("purged 1");
        assertThat(service.sweep()).isZero();
    }

    @Test
    void sweeperKeepsALocationRefreshedSinceItWasRead() {
        service.submit(alice, LocationFix.precise(52.52, 13.405, 5, now()));
        clock.advance(Duration.ofMinutes(31));
        var staleRead = store.observedBefore(now().minus(Duration.ofMinutes(30)), 10);
        service.submit(alice, LocationFix.precise(52.52, 13.405, 5, now()));
        // What a sweeper holding the old read would do: remove by the old version, which must fail.
        assertThat(store.remove(alice, staleRead.get(0).version())).isFalse();
        assertThat(service.sweep()).isZero();
        assertThat(service.state(alice)).isEqualTo(LocationState.FRESH);
    }

    @Test
    void builderValidatesOptionsWithClearMessages() {
        assertThatThrownBy(() -> LocationService.builder(store, index).maxAge(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAge");
        assertThatThrownBy(() -> LocationService.builder(store, index).cellMeters(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cellMeters");
        assertThatThrownBy(() -> LocationService.builder(store, index).maxSpeedMetersPerSecond(Double.NaN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSpeed");
    }

    @Test
    void sourcesAreReportedToTheListener() {
        service.submit(alice, LocationFix.of(52.52, 13.405, LocationSource.APPROXIMATE, 2_000, now()));
        assertThat(events).containsExactly("accepted alice APPROXIMATE");
    }
}
