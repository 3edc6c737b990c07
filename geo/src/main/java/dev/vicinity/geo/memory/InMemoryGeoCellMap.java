package dev.vicinity.geo.memory;

import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A hash map from non-negative {@code long} cell keys to cells for {@link InMemoryProximityIndex}:
 * lock-free reads, writes under one lock. It is one open-addressing array of the cells themselves
 * (each cell knows its key), so a lookup touches the table slot and the cell it needs anyway, no
 * separate key array and no boxing. A read racing a write may miss a cell being created (it is
 * empty then) and returns either the cell or null; the caller synchronises on the returned cell,
 * which makes its contents visible (the key is final, so it is safe to read without a lock).
 * A removed cell leaves a tombstone until the next rebuild, so memory follows the cells in use.
 *
 * @param <V> the cell type
 */
final class InMemoryGeoCellMap<V extends InMemoryGeoCellMap.Keyed> {
    /** What the map stores: something that knows its (non-negative, immutable) key. */
    interface Keyed {
        /** The key; must be final in the implementation and non-negative. */
        long cellKey();
    }

    /** Marks a removed slot; its key (-1) matches no cell key. */
    private static final class Tombstone implements Keyed {
        @Override
        public long cellKey() {
            return -1L;
        }
    }

    private final Keyed tombstone = new Tombstone();
    private volatile Keyed[] table = new Keyed[64];
    /** Non-null slots (cells and tombstones); guarded by {@code writeLock}. */
    private int used;
    /** Cells present; written under {@code writeLock}. */
    private volatile int live;
    private final Object writeLock = new Object();

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** The cell under {@code key}, or null. Lock-free, O(1) expected. */
    @SuppressWarnings("unchecked")
    @Nullable V get(long key) {
        Keyed[] t = table;
        int mask = t.length - 1;
        int i = slot(key, mask);
        while (true) {
            Keyed k = t[i];
            if (k == null) {
                return null;
            }
            if (k.cellKey() == key) {
                return (V) k;
            }
            i = (i + 1) & mask;
        }
    }

    /** The cell under {@code key}, created with {@code factory} if absent. */
    V computeIfAbsent(long key, LongFunction<V> factory) {
        V v = get(key);
        if (v != null) {
            return v;
        }
        synchronized (writeLock) {
            v = get(key);
            if (v != null) {
                return v;
            }
            v = factory.apply(key);
            Keyed[] t = table;
            int mask = t.length - 1;
            int i = slot(key, mask);
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
            t[free] = v; // a racing reader sees the cell (final key) or not at all
            live++;
            if (used * 2 > t.length) {
                rebuild();
            }
            return v;
        }
    }

    /** Removes {@code key} if it maps to {@code value}. */
    void remove(long key, V value) {
        synchronized (writeLock) {
            Keyed[] t = table;
            int mask = t.length - 1;
            int i = slot(key, mask);
            while (t[i] != null) {
                if (t[i] == value) {
                    t[i] = tombstone;
                    live--;
                    return;
                }
                i = (i + 1) & mask;
            }
        }
    }

    private void rebuild() {
        Keyed[] old = table;
        int cap = 64;
        while (cap < live * 4) {
            cap <<= 1;
        }
        Keyed[] t = new Keyed[cap];
        int mask = cap - 1;
        int n = 0;
        for (Keyed k : old) {
            if (k != null && k != tombstone) {
                int i = slot(k.cellKey(), mask);
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = k;
                n++;
            }
        }
        used = n;
        table = t; // volatile publication of the filled table
    }

    /** Number of cells present (lock-free; exact when no write is in flight). */
    int size() {
        return live;
    }

    /** Calls {@code action} for every cell present (weakly consistent). */
    @SuppressWarnings("unchecked")
    void forEach(Consumer<V> action) {
        Keyed[] t = table;
        for (Keyed k : t) {
            if (k != null && k != tombstone) {
                action.accept((V) k);
            }
        }
    }
}
