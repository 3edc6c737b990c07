package dev.vicinity.memory;

import java.util.function.LongFunction;

/**
 * A hash map from non-negative {@code long} cell keys to cells for {@link InMemoryProximityIndex}:
 * lock-free reads (open addressing over primitive keys, no boxing), writes under one lock. A read
 * racing a write may miss a cell being created (it is empty then) and returns either the cell or
 * null; the caller synchronises on the returned cell, which makes its contents visible.
 * Removed cells leave their key behind until the next rebuild, so memory follows the cells in use.
 *
 * @param <V> the cell type
 */
final class InMemoryGeoCellMap<V> {
    private static final long EMPTY = -1L;

    private static final class Table {
        final long[] keys;
        final Object[] values;
        final int mask;

        Table(int capacity) {
            keys = new long[capacity];
            java.util.Arrays.fill(keys, EMPTY);
            values = new Object[capacity];
            mask = capacity - 1;
        }
    }

    private volatile Table table = new Table(64);
    private int usedKeys;
    private int live;
    private final Object writeLock = new Object();

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** The cell under {@code key}, or null. Lock-free, O(1) expected. */
    @SuppressWarnings("unchecked")
    V get(long key) {
        Table t = table;
        int i = slot(key, t.mask);
        while (true) {
            long k = t.keys[i];
            if (k == key) {
                return (V) t.values[i];
            }
            if (k == EMPTY) {
                return null;
            }
            i = (i + 1) & t.mask;
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
            Table t = table;
            int i = slot(key, t.mask);
            while (t.keys[i] != EMPTY && t.keys[i] != key) {
                i = (i + 1) & t.mask;
            }
            if (t.keys[i] == EMPTY) {
                usedKeys++;
            }
            t.values[i] = v;
            t.keys[i] = key; // after the value: a racing reader sees the key with the value or not at all... or null
            live++;
            if (usedKeys * 2 > t.keys.length) {
                rebuild();
            }
            return v;
        }
    }

    /** Removes {@code key} if it maps to {@code value}. */
    void remove(long key, V value) {
        synchronized (writeLock) {
            Table t = table;
            int i = slot(key, t.mask);
            while (t.keys[i] != EMPTY) {
                if (t.keys[i] == key) {
                    if (t.values[i] == value) {
                        t.values[i] = null;
                        live--;
                    }
                    return;
                }
                i = (i + 1) & t.mask;
            }
        }
    }

    private void rebuild() {
        Table old = table;
        int cap = 64;
        while (cap < live * 4) {
            cap <<= 1;
        }
        Table t = new Table(cap);
        int used = 0;
        for (int j = 0; j < old.keys.length; j++) {
            Object v = old.values[j];
            if (old.keys[j] != EMPTY && v != null) {
                int i = slot(old.keys[j], t.mask);
                while (t.keys[i] != EMPTY) {
                    i = (i + 1) & t.mask;
                }
                t.keys[i] = old.keys[j];
                t.values[i] = v;
                used++;
            }
        }
        usedKeys = used;
        table = t; // volatile publication of the filled table
    }

    /** Number of cells present. */
    int size() {
        synchronized (writeLock) {
            return live;
        }
    }

    /** Calls {@code action} for every cell present (weakly consistent). */
    @SuppressWarnings("unchecked")
    void forEach(java.util.function.Consumer<V> action) {
        Table t = table;
        for (int j = 0; j < t.values.length; j++) {
            Object v = t.values[j];
            if (v != null) {
                action.accept((V) v);
            }
        }
    }
}
