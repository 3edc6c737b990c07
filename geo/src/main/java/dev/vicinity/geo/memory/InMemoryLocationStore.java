package dev.vicinity.geo.memory;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.PublicLocation;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.StoredLocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory {@link LocationStore}: one {@link ConcurrentHashMap}; compare-and-set and removal
 * by version are atomic per user ({@code compute}). Thread-safe. {@link #get} and writes are O(1);
 * {@link #observedBefore} scans all users, O(n) (the sweeper calls it rarely).
 */
public final class InMemoryLocationStore implements LocationStore {
    private final ConcurrentHashMap<UserId, StoredLocation> locations = new ConcurrentHashMap<>();

    /** An empty store. */
    public InMemoryLocationStore() {}

    @Override
    public Optional<StoredLocation> get(UserId user) {
        return Optional.ofNullable(locations.get(Objects.requireNonNull(user, "user")));
    }

    @Override
    public Optional<StoredLocation> compareAndSet(long expectedVersion, PublicLocation next) {
        Objects.requireNonNull(next, "next");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be >= 0");
        }
        StoredLocation written = new StoredLocation(next, expectedVersion + 1);
        boolean[] ok = new boolean[1];
        locations.compute(next.user(), (u, cur) -> {
            long curVersion = cur == null ? 0 : cur.version();
            if (curVersion != expectedVersion) {
                return cur;
            }
            ok[0] = true;
            return written;
        });
        return ok[0] ? Optional.of(written) : Optional.empty();
    }

    @Override
    public boolean remove(UserId user, long expectedVersion) {
        Objects.requireNonNull(user, "user");
        boolean[] ok = new boolean[1];
        locations.computeIfPresent(user, (u, cur) -> {
            if (cur.version() != expectedVersion) {
                return cur;
            }
            ok[0] = true;
            return null;
        });
        return ok[0];
    }

    @Override
    public List<StoredLocation> observedBefore(Instant cutoff, int limit) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1");
        }
        List<StoredLocation> out = new ArrayList<>();
        for (StoredLocation l : locations.values()) {
            if (l.location().observedAt().isBefore(cutoff)) {
                out.add(l);
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return List.copyOf(out);
    }

    /** Number of stored locations. O(1). */
    public int size() {
        return locations.size();
    }
}
