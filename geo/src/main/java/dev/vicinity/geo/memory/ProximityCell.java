package dev.vicinity.geo.memory;

import dev.vicinity.core.UserId;
import java.util.Arrays;

/**
 * One grid cell of {@link InMemoryProximityIndex}; every field is guarded by its monitor. Everything a
 * query needs is inline in one {@code long[]} ({@value #STRIDE} longs per slot: x and y of the fixed-point unit vector
 * packed, z, the exact latitude and longitude bits and the observation time in epoch
 * milliseconds), so a scan reads one contiguous array and never dereferences a per-user object;
 * only the ids of users that make the cut are read, from a parallel array. Not API.
 */
final class ProximityCell implements InMemoryGeoCellMap.Keyed {
    /** Longs per slot in {@link #data}. */
    static final int STRIDE = 5;

    final long key;
    int size;
    long[] data = new long[STRIDE * 4];
    UserId[] ids = new UserId[4];
    Entry[] entries = new Entry[4];
    boolean dead;

    ProximityCell(long key) {
        this.key = key;
    }

    @Override
    public long cellKey() {
        return key;
    }

    void set(int i, long xy, long z, long lat, long lon, long millis) {
        long[] d = data;
        int j = STRIDE * i;
        d[j] = xy;
        d[j + 1] = z;
        d[j + 2] = lat;
        d[j + 3] = lon;
        d[j + 4] = millis;
    }

    void append(Entry e, long xy, long z, long lat, long lon, long millis) {
        if (size == entries.length) {
            resize(size + (size >> 1) + 2);
        }
        int i = size++;
        entries[i] = e;
        ids[i] = e.user;
        set(i, xy, z, lat, lon, millis);
        e.slot = i;
        e.cell = this;
    }

    private void resize(int cap) {
        entries = Arrays.copyOf(entries, cap);
        ids = Arrays.copyOf(ids, cap);
        data = Arrays.copyOf(data, STRIDE * cap);
    }

    /** Swap-removes slot {@code i}; returns true if the cell became empty (it is then dead). */
    boolean removeAt(int i) {
        int last = --size;
        if (i != last) {
            Entry moved = entries[last];
            entries[i] = moved;
            ids[i] = ids[last];
            System.arraycopy(data, STRIDE * last, data, STRIDE * i, STRIDE);
            moved.slot = i;
        }
        entries[last] = null;
        ids[last] = null;
        if (size == 0) {
            dead = true;
            return true;
        }
        if (entries.length > 16 && size < entries.length / 4) {
            resize(entries.length / 2);
        }
        return false;
    }

    /** Per-user state; its own monitor serialises updates of one user. */
    static final class Entry {
        final UserId user;
        /** Guarded by this entry's monitor; the cell holding it, null before insert. */
        ProximityCell cell;
        /** Guarded by {@code cell}'s monitor. */
        int slot;
        /** Guarded by this entry's monitor. */
        boolean removed;

        Entry(UserId user) {
            this.user = user;
        }
    }
}
