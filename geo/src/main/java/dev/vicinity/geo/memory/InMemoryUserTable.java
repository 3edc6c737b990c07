package dev.vicinity.geo.memory;

import dev.vicinity.core.UserId;
import org.jspecify.annotations.Nullable;

/**
 * The user map of {@link InMemoryProximityIndex}: {@link UserId} to its
 * {@link ProximityCell.Entry}, lock-free reads, writes under one lock. One open-addressing array of
 * the entries themselves (each knows its user and its spread hash), so a lookup touches the table
 * slot and the entry it needs anyway: no map node per user (about 40 bytes less per user than a
 * {@code ConcurrentHashMap}). A read racing a write may miss an entry being added (the caller then
 * adds under the lock, which re-checks) or return an entry being removed (the caller checks
 * {@link ProximityCell.Entry#removed()} under the entry's monitor). A removed entry leaves a tombstone
 * until the next rebuild. Not API.
 */
final class InMemoryUserTable {
    /** Marks a removed slot; compared by identity. */
    private final ProximityCell.Entry tombstone = new ProximityCell.Entry(UserId.of("tombstone"), 0);

    private volatile ProximityCell.Entry[] table = new ProximityCell.Entry[64];
    /** Non-null slots (entries and tombstones); guarded by {@code writeLock}. */
    private int used;
    /** Entries present; written under {@code writeLock}. */
    private volatile int live;
    private final Object writeLock = new Object();

    /** The hash a table slot is derived from: {@code user.hashCode()}, spread. */
    static int hash(UserId user) {
        int h = user.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private boolean matches(ProximityCell.Entry e, UserId user, int hash) {
        return e.hash == hash && (e.user == user || e.user.equals(user)) && e != tombstone;
    }

    /** The entry of {@code user}, or null. Lock-free, O(1) expected. */
    ProximityCell.@Nullable Entry get(UserId user) {
        return get(table, user, hash(user));
    }

    private ProximityCell.@Nullable Entry get(ProximityCell.Entry[] t, UserId user, int hash) {
        int mask = t.length - 1;
        int i = hash & mask;
        while (true) {
            ProximityCell.Entry e = t[i];
            if (e == null) {
                return null;
            }
            if (matches(e, user, hash)) {
                return e;
            }
            i = (i + 1) & mask;
        }
    }

    /** The entry of {@code user}, added (fresh) if absent. */
    ProximityCell.Entry getOrAdd(UserId user) {
        int hash = hash(user);
        ProximityCell.Entry e = get(table, user, hash);
        if (e != null) {
            return e;
        }
        synchronized (writeLock) {
            ProximityCell.Entry[] t = table;
            e = get(t, user, hash);
            if (e != null) {
                return e;
            }
            e = new ProximityCell.Entry(user, hash);
            int mask = t.length - 1;
            int i = hash & mask;
            int free = -1;
            while (t[i] != null) {
                if (free < 0 && t[i] == tombstone) {
                    free = i;
                }
                i = (i + 1) & mask;
            }
            if (free < 0) {
                free = i;
                used++;
            }
            t[free] = e; // a racing reader sees the entry (final fields) or not at all
            live++;
            if (used * 2 > t.length) {
                rebuild();
            }
            return e;
        }
    }

    /** Removes {@code e} if present. */
    void remove(ProximityCell.Entry e) {
        synchronized (writeLock) {
            ProximityCell.Entry[] t = table;
            int mask = t.length - 1;
            int i = e.hash & mask;
            while (t[i] != null) {
                if (t[i] == e) {
                    t[i] = tombstone;
                    live--;
                    return;
                }
                i = (i + 1) & mask;
            }
        }
    }

    private void rebuild() {
        ProximityCell.Entry[] old = table;
        int cap = 64;
        while (cap < live * 3) {
            cap <<= 1;
        }
        ProximityCell.Entry[] t = new ProximityCell.Entry[cap];
        int mask = cap - 1;
        int n = 0;
        for (ProximityCell.Entry e : old) {
            if (e != null && e != tombstone) {
                int i = e.hash & mask;
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = e;
                n++;
            }
        }
        used = n;
        table = t; // volatile publication of the filled table
    }

    /** Number of entries present (lock-free; exact when no write is in flight). */
    int size() {
        return live;
    }
}
