package dev.vicinity.geo;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.geo.spi.StoredLocation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Location collection (ingest), separate from matching. It validates each {@link LocationFix}
 * (coordinates, accuracy, timestamp not in the future, not already stale, plausible speed since
 * the previous fix), snaps it to the privacy {@link GeoGrid}, discards the raw coordinates, stores
 * the resulting {@link PublicLocation} through the {@link LocationStore} (compare-and-set on the
 * version) and mirrors it into the {@link ProximityIndex}. It also owns staleness: locations older
 * than {@link #maxAge()} are {@link LocationState#STALE} (excluded from matching) and purged by
 * {@link #sweep()}.
 *
 * <p>Stickiness: between two device fixes ({@link LocationSource#PRECISE} or
 * {@link LocationSource#APPROXIMATE}) the public cell changes only when the fix is clearly outside
 * it, more than {@link Builder#stickinessMeters} beyond its boundary (hysteresis), and at most once
 * per {@link Builder#minCellDwell} (a token bucket of burst 1 in the {@link RateLimitStore}), so GPS
 * noise near a boundary cannot make the public cell flip between neighbours. A fix held back by
 * either rule refreshes the age of the current public cell (hysteresis) or is not written at all
 * (dwell; the next fix after the dwell is). Real movement shows after at most
 * {@code stickinessMeters / speed + minCellDwell} (defaults: half a cell, 30 s). A manually picked
 * place is shown at once.
 *
 * <p>Rate limit: each user may submit {@link Builder#updateRateLimit} fixes (default 60 per minute,
 * bursts of 60); beyond it {@link RateLimitedException} ({@code rate_limited}, with a retry-after) and
 * nothing is written. With a distributed {@link RateLimitStore} the limit and the dwell are
 * cluster-wide.
 *
 * <p>A rejected fix throws {@link InvalidLocationException} with a stable code, emits
 * {@code onLocationRejected} and writes nothing. Thread-safe: concurrent fixes for one user are
 * serialised by the store's compare-and-set; the index converges to the stored location.
 * Each call costs O(1) store and index operations (plus the index's own cost).
 */
public final class LocationService {
    private static final Logger LOG = LoggerFactory.getLogger(LocationService.class);

    private final LocationStore store;
    private final ProximityIndex index;
    private final Clock clock;
    private final VicinityListener listener;
    private final GeoGrid grid;
    private final Duration maxAge;
    private final Duration maxClockSkew;
    private final double maxSpeedMetersPerSecond;
    private final double maxAccuracyMeters;
    private final int sweepBatch;
    private final RateLimitStore limits;
    private final int updatePermits;
    private final double updatePermitsPerSecond;
    private final double stickiness;
    private final Duration minCellDwell;

    private LocationService(Builder b) {
        this.store = b.store;
        this.index = b.index;
        this.clock = b.clock;
        this.listener = VicinityListener.isolating(b.listener);
        this.grid = GeoGrid.withCellSize(b.cellMeters);
        this.maxAge = b.maxAge;
        this.maxClockSkew = b.maxClockSkew;
        this.maxSpeedMetersPerSecond = b.maxSpeedMetersPerSecond;
        this.maxAccuracyMeters = b.maxAccuracyMeters;
        this.sweepBatch = b.sweepBatch;
        this.limits = b.limits == null ? new LocalRateLimitStore() : b.limits;
        this.updatePermits = b.updatePermits;
        this.updatePermitsPerSecond = b.updatePermits == 0 ? 0 : b.updatePermits / (b.updatePer.toNanos() / 1e9);
        this.stickiness = Double.isNaN(b.stickinessMeters) ? b.cellMeters / 2 : b.stickinessMeters;
        this.minCellDwell = b.minCellDwell;
    }

    /** A builder; the store and the index are required, everything else has a default. */
    public static Builder builder(LocationStore store, ProximityIndex index) {
        return new Builder(store, index);
    }

    /** The privacy grid every stored position is snapped to. */
    public GeoGrid grid() {
        return grid;
    }

    /** Locations older than this are stale. */
    public Duration maxAge() {
        return maxAge;
    }

    /** The clock this service reads. */
    public Clock clock() {
        return clock;
    }

    /**
     * Validates, snaps and stores a fix.
     *
     * @return {@link IngestResult.Accepted}, {@link IngestResult.Denied} for
     *     {@link LocationSource#UNKNOWN}, or {@link IngestResult.Superseded} when a newer fix is stored
     * @throws InvalidLocationException {@code invalid_coordinates}, {@code invalid_accuracy},
     *     {@code future_timestamp}, {@code stale_location} or {@code implausible_jump}; nothing stored
     * @throws RateLimitedException the user exceeded the update rate; nothing stored
     */
    public IngestResult submit(UserId user, LocationFix fix) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(fix, "fix");
        // Withdrawing the location (UNKNOWN) is never rate-limited: it must always take effect.
        if (updatePermits > 0 && fix.source().hasCoordinates()) {
            Duration wait = limits.tryAcquire("geo.location:" + user.value(), updatePermitsPerSecond, updatePermits,
                    clock.instant());
            if (!wait.isZero()) {
                LOG.debug("location fix of user {} rejected: rate_limited", user);
                listener.onLocationRejected(user, ErrorCodes.RATE_LIMITED);
                throw new RateLimitedException("too many location updates", wait);
            }
        }
        try {
            IngestResult result = fix.source().hasCoordinates() ? accept(user, fix) : deny(user, fix);
            if (result instanceof IngestResult.Accepted) {
                listener.onLocationAccepted(user, fix.source().name());
            }
            return result;
        } catch (InvalidLocationException e) {
            LOG.debug("location fix of user {} rejected: {}", user, e.code());
            listener.onLocationRejected(user, e.code());
            throw e;
        }
    }

    private IngestResult accept(UserId user, LocationFix fix) {
        double acc = fix.accuracyMeters();
        if (!(acc >= 0) || !(acc <= maxAccuracyMeters)) {
            throw new InvalidLocationException(GeoErrorCodes.INVALID_ACCURACY,
                    "accuracy must be a number within [0, " + maxAccuracyMeters + "] metres");
        }
        GeoPoint raw = GeoPoint.ofLatLon(fix.lat(), fix.lon());
        Instant now = clock.instant();
        checkTime(fix.observedAt(), now);
        GeoPoint snapped = grid.snap(raw);
        Boolean changeAllowed = null; // the dwell token is taken at most once per submit, across CAS retries
        while (true) {
            Optional<StoredLocation> current = store.get(user);
            long expected = 0;
            GeoPoint shown = snapped;
            if (current.isPresent()) {
                PublicLocation prev = current.get().location();
                if (prev.observedAt().isAfter(fix.observedAt())) {
                    return new IngestResult.Superseded(prev.observedAt());
                }
                checkSpeed(prev, snapped, fix);
                expected = current.get().version();
                if (!snapped.equals(prev.cell()) && isDeviceSource(prev.source()) && isDeviceSource(fix.source())) {
                    if (distanceOutsideCell(raw, prev.cell()) <= stickiness) {
                        shown = prev.cell(); // hysteresis: not clearly out of the public cell yet
                    } else {
                        if (changeAllowed == null) {
                            changeAllowed = cellChangeAllowed(user, now);
                        }
                        if (!changeAllowed) {
                            return new IngestResult.Accepted(prev); // dwell: the public cell changed too recently
                        }
                    }
                }
            } else if (isDeviceSource(fix.source()) && changeAllowed == null) {
                changeAllowed = cellChangeAllowed(user, now); // the first public cell starts the dwell
            }
            PublicLocation next = new PublicLocation(user, shown, fix.source(), acc, fix.observedAt());
            if (store.compareAndSet(expected, next).isPresent()) {
                syncIndex(user);
                return new IngestResult.Accepted(next);
            }
            // Lost a race with another writer for this user: re-read and re-validate.
        }
    }

    /** Takes the user's cell-change token (one per {@code minCellDwell}); true if the public cell may change now. */
    private boolean cellChangeAllowed(UserId user, Instant now) {
        if (minCellDwell.isZero()) {
            return true;
        }
        return limits.tryAcquire("geo.cell:" + user.value(), 1e9 / minCellDwell.toNanos(), 1, now).isZero();
    }

    /**
     * How far in metres {@code p} lies outside the grid cell whose centre is {@code cellCenter} (0
     * inside): the larger of the latitude and longitude overshoots, the latter measured along the
     * parallel of {@code p}. Exact enough for the hysteresis margin (cells are small).
     */
    private double distanceOutsideCell(GeoPoint p, GeoPoint cellCenter) {
        long key = grid.cellKey(cellCenter);
        int row = GeoGrid.rowOf(key);
        double south = grid.rowMinLat(row);
        double north = grid.rowMaxLat(row);
        double dLat = p.lat() < south ? south - p.lat() : (p.lat() > north ? p.lat() - north : 0);
        int columns = grid.columns(row);
        double dLon = 0;
        if (columns > 1) {
            double halfWidth = 180.0 / columns;
            double off = Math.abs(p.lon() - cellCenter.lon()) % 360.0;
            off = Math.min(off, 360.0 - off);
            dLon = Math.max(0, off - halfWidth);
        }
        double metersLat = dLat * GeoDistance.METERS_PER_DEGREE;
        double metersLon = dLon * GeoDistance.METERS_PER_DEGREE * Math.cos(Math.toRadians(p.lat()));
        return Math.max(metersLat, metersLon);
    }

    private IngestResult deny(UserId user, LocationFix fix) {
        checkTime(fix.observedAt(), clock.instant());
        while (true) {
            Optional<StoredLocation> current = store.get(user);
            if (current.isEmpty()) {
                syncIndex(user);
                return new IngestResult.Denied(false);
            }
            if (current.get().location().source() != LocationSource.PRECISE) {
                return new IngestResult.Denied(true);
            }
            if (store.remove(user, current.get().version())) {
                syncIndex(user);
                return new IngestResult.Denied(false);
            }
        }
    }

    private void checkTime(Instant observedAt, Instant now) {
        if (observedAt.isAfter(now.plus(maxClockSkew))) {
            throw new InvalidLocationException(GeoErrorCodes.FUTURE_TIMESTAMP,
                    "the fix's timestamp is in the future (beyond the allowed clock skew of " + maxClockSkew + ")");
        }
        if (observedAt.isBefore(now.minus(maxAge))) {
            throw new InvalidLocationException(GeoErrorCodes.STALE_LOCATION,
                    "the fix is older than the maximum location age of " + maxAge);
        }
    }

    private void checkSpeed(PublicLocation prev, GeoPoint snapped, LocationFix fix) {
        if (!isDeviceSource(prev.source()) || !isDeviceSource(fix.source())) {
            return; // a manual place may be anywhere, and leaving it is no movement
        }
        double seconds = Math.max(0, Duration.between(prev.observedAt(), fix.observedAt()).toNanos() / 1e9);
        // Both positions are snapped: allow their snapping error plus both uncertainty radii.
        double allowance = 2 * grid.maxSnapErrorMeters() + stickiness + prev.accuracyMeters() + fix.accuracyMeters();
        double moved = GeoDistance.meters(prev.cell(), snapped);
        if (moved - allowance > maxSpeedMetersPerSecond * seconds) {
            throw new InvalidLocationException(GeoErrorCodes.IMPLAUSIBLE_JUMP,
                    "the fix implies a speed above " + maxSpeedMetersPerSecond + " m/s since the previous fix");
        }
    }

    private static boolean isDeviceSource(LocationSource s) {
        return s == LocationSource.PRECISE || s == LocationSource.APPROXIMATE;
    }

    /** Makes the index show what the store holds now (converges under concurrent writers). */
    private void syncIndex(UserId user) {
        for (int i = 0; i < 16; i++) {
            Optional<StoredLocation> now = store.get(user);
            if (now.isPresent()) {
                PublicLocation l = now.get().location();
                index.upsert(user, l.cell(), l.observedAt());
            } else {
                index.remove(user);
            }
            long seen = now.map(StoredLocation::version).orElse(0L);
            if (store.get(user).map(StoredLocation::version).orElse(0L) == seen) {
                return;
            }
        }
        LOG.warn("index entry of user {} did not converge under concurrent writes; the next write repairs it", user);
    }

    /** The proximity index this service keeps in step with the store (for the matcher). */
    public ProximityIndex index() {
        return index;
    }

    /** The stored public (snapped) location of {@code user}, fresh or stale. One store read. */
    public Optional<PublicLocation> location(UserId user) {
        return store.get(Objects.requireNonNull(user, "user")).map(StoredLocation::location);
    }

    /**
     * The location matching may use for {@code user}: stored and fresh at the clock's now (a
     * searcher without one gets {@code location_required}). One store read.
     */
    public Optional<PublicLocation> publicLocation(UserId user) {
        Instant now = clock.instant();
        return location(user).filter(l -> isFresh(l, now));
    }

    /** Whether {@code location} is fresh at {@code now} (observed no longer than {@link #maxAge()} ago). */
    public boolean isFresh(PublicLocation location, Instant now) {
        return !location.observedAt().isBefore(now.minus(maxAge));
    }

    /** {@link LocationState} of {@code user} now. One store read. */
    public LocationState state(UserId user) {
        Optional<PublicLocation> l = location(user);
        if (l.isEmpty()) {
            return LocationState.NONE;
        }
        return isFresh(l.get(), clock.instant()) ? LocationState.FRESH : LocationState.STALE;
    }

    /** Removes the user's location from store and index (logout, account deletion); returns whether one existed. */
    public boolean forget(UserId user) {
        Objects.requireNonNull(user, "user");
        boolean removed = false;
        while (true) {
            Optional<StoredLocation> current = store.get(user);
            if (current.isEmpty()) {
                break;
            }
            if (store.remove(user, current.get().version())) {
                removed = true;
                break;
            }
        }
        syncIndex(user);
        return removed;
    }

    /**
     * Purges every location older than {@link #maxAge()} from the store and the index, in batches;
     * a location refreshed meanwhile is kept (removal is by version). Call it periodically (e.g.
     * every minute); emits {@code onLocationsPurged} when something was purged.
     *
     * @return the number of locations purged
     */
    public int sweep() {
        Instant cutoff = clock.instant().minus(maxAge);
        int purged = 0;
        while (true) {
            List<StoredLocation> batch = store.observedBefore(cutoff, sweepBatch);
            int removedNow = 0;
            for (StoredLocation l : batch) {
                UserId u = l.location().user();
                if (store.remove(u, l.version())) {
                    removedNow++;
                }
                syncIndex(u);
            }
            purged += removedNow;
            if (batch.size() < sweepBatch || removedNow == 0) {
                break;
            }
        }
        if (purged > 0) {
            LOG.debug("purged {} stale locations", purged);
            listener.onLocationsPurged(purged);
        }
        return purged;
    }

    /** Options of a {@link LocationService}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final LocationStore store;
        private final ProximityIndex index;
        private Clock clock = Clock.systemUTC();
        private VicinityListener listener = VicinityListener.NO_OP;
        private double cellMeters = 250.0;
        private Duration maxAge = Duration.ofHours(2);
        private Duration maxClockSkew = Duration.ofSeconds(30);
        private double maxSpeedMetersPerSecond = 350.0;
        private double maxAccuracyMeters = 50_000.0;
        private int sweepBatch = 1_000;
        private @Nullable RateLimitStore limits;
        private int updatePermits = 60;
        private Duration updatePer = Duration.ofMinutes(1);
        private double stickinessMeters = Double.NaN;
        private Duration minCellDwell = Duration.ofSeconds(30);

        private Builder(LocationStore store, ProximityIndex index) {
            this.store = Checks.notNull("store", store);
            this.index = Checks.notNull("index", index);
        }

        /** Time source (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** Listener for accepted, rejected and purged locations (default: none). */
        public Builder listener(VicinityListener listener) {
            this.listener = Checks.notNull("listener", listener);
            return this;
        }

        /** Privacy grid cell size in metres, [1, 100000] (default 250). */
        public Builder cellMeters(double cellMeters) {
            this.cellMeters = cellMeters;
            return this;
        }

        /** Maximum location age before it is stale (default 2 h). */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = Checks.notNull("maxAge", maxAge);
            return this;
        }

        /** How far in the future a fix's timestamp may be, for device clock skew (default 30 s). */
        public Builder maxClockSkew(Duration skew) {
            this.maxClockSkew = Checks.notNull("maxClockSkew", skew);
            return this;
        }

        /** Fastest plausible speed between two device fixes in m/s (default 350, a jet liner). */
        public Builder maxSpeedMetersPerSecond(double speed) {
            this.maxSpeedMetersPerSecond = speed;
            return this;
        }

        /** Largest accepted accuracy radius in metres (default 50,000). */
        public Builder maxAccuracyMeters(double meters) {
            this.maxAccuracyMeters = meters;
            return this;
        }

        /** How many stale locations the sweeper reads per store call (default 1,000). */
        public Builder sweepBatch(int batch) {
            this.sweepBatch = batch;
            return this;
        }

        /**
         * Where the update-rate and cell-dwell token buckets live (keys {@code geo.location:<user>} and
         * {@code geo.cell:<user>}). Default: a {@link LocalRateLimitStore} of this instance, so limits are
         * per node; give every node the same distributed store (e.g. {@code RedisRateLimitStore}) to make
         * them cluster-wide.
         */
        public Builder rateLimitStore(RateLimitStore store) {
            this.limits = Checks.notNull("store", store);
            return this;
        }

        /** Per-user update rate: bursts of {@code permits}, {@code permits} per {@code per} on average (default 60 per minute). */
        public Builder updateRateLimit(int permits, Duration per) {
            this.updatePermits = permits;
            this.updatePer = Checks.notNull("per", per);
            return this;
        }

        /** Disables the per-user update rate limit (bulk loads, benchmarks, trusted internal callers only). */
        public Builder noUpdateRateLimit() {
            this.updatePermits = 0;
            return this;
        }

        /**
         * Hysteresis margin in metres: between two device fixes, the public cell changes only when the
         * new fix is more than this beyond the current public cell's boundary. Default: half a cell.
         * 0 snaps every fix to its own cell (no stickiness; GPS noise near a boundary then leaks the
         * position through flips).
         */
        public Builder stickinessMeters(double meters) {
            this.stickinessMeters = meters;
            return this;
        }

        /**
         * Minimum time between two changes of a user's public cell by device fixes (default 30 s; zero
         * disables it). A change due earlier is held back until the dwell has passed.
         */
        public Builder minCellDwell(Duration dwell) {
            this.minCellDwell = Checks.notNull("dwell", dwell);
            return this;
        }

        /**
         * Builds the service.
         *
         * @throws IllegalArgumentException naming the bad option, its range and the value given
         */
        public LocationService build() {
            Checks.between("cellMeters", cellMeters, GeoGrid.MIN_CELL_METERS, GeoGrid.MAX_CELL_METERS);
            Checks.positive("maxAge", maxAge);
            Checks.notNegative("maxClockSkew", maxClockSkew);
            Checks.finitePositive("maxSpeedMetersPerSecond", maxSpeedMetersPerSecond);
            Checks.between("maxAccuracyMeters", maxAccuracyMeters, 0, Double.MAX_VALUE);
            Checks.atLeast("sweepBatch", sweepBatch, 1);
            Checks.check(updatePermits >= 0 && (updatePermits == 0 || !(updatePer.isNegative() || updatePer.isZero())),
                    "LocationService: updateRateLimit needs permits >= 1 and a positive period, got "
                            + updatePermits + " per " + updatePer);
            if (!Double.isNaN(stickinessMeters)) {
                Checks.between("stickinessMeters (up to 10 cells)", stickinessMeters, 0, 10 * cellMeters);
            }
            Checks.check(!minCellDwell.isNegative() && minCellDwell.compareTo(maxAge) < 0,
                    "LocationService: minCellDwell must be >= 0 and below maxAge (a held-back fix is not written),"
                            + " got " + minCellDwell);
            return new LocationService(this);
        }
    }
}
