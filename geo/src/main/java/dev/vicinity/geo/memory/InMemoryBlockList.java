package dev.vicinity.geo.memory;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.spi.BlockList;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory {@link BlockList}: forward and reverse adjacency sets, updated together under one
 * lock so that {@link #blocking} and {@link #blockedBy} always agree. Thread-safe; every method is
 * O(1) except the snapshots, which are O(size of the returned set). A simple class so that other
 * modules' block interfaces can be implemented by it too.
 */
public final class InMemoryBlockList implements BlockList {
    private final ConcurrentHashMap<UserId, Set<UserId>> blocking = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UserId, Set<UserId>> blockedBy = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    /** An empty block list. */
    public InMemoryBlockList() {}

    @Override
    public boolean block(UserId blocker, UserId blocked) {
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(blocked, "blocked");
        synchronized (lock) {
            boolean added = blocking.computeIfAbsent(blocker, u -> ConcurrentHashMap.newKeySet()).add(blocked);
            blockedBy.computeIfAbsent(blocked, u -> ConcurrentHashMap.newKeySet()).add(blocker);
            return added;
        }
    }

    @Override
    public boolean unblock(UserId blocker, UserId blocked) {
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(blocked, "blocked");
        synchronized (lock) {
            boolean removed = removeFrom(blocking, blocker, blocked);
            removeFrom(blockedBy, blocked, blocker);
            return removed;
        }
    }

    private static boolean removeFrom(ConcurrentHashMap<UserId, Set<UserId>> map, UserId key, UserId value) {
        Set<UserId> set = map.get(key);
        if (set == null || !set.remove(value)) {
            return false;
        }
        if (set.isEmpty()) {
            map.remove(key, set);
        }
        return true;
    }

    @Override
    public Set<UserId> blocking(UserId user) {
        return snapshot(blocking, user);
    }

    @Override
    public Set<UserId> blockedBy(UserId user) {
        return snapshot(blockedBy, user);
    }

    private static Set<UserId> snapshot(ConcurrentHashMap<UserId, Set<UserId>> map, UserId user) {
        Set<UserId> set = map.get(Objects.requireNonNull(user, "user"));
        return set == null || set.isEmpty() ? Set.of() : Set.copyOf(set);
    }

    @Override
    public boolean isBlocked(UserId a, UserId b) {
        Set<UserId> x = blocking.get(a);
        if (x != null && x.contains(b)) {
            return true;
        }
        Set<UserId> y = blocking.get(b);
        return y != null && y.contains(a);
    }
}
