package dev.vicinity.geo.memory;

import dev.vicinity.core.UserId;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One grid cell of {@link InMemoryProximityIndex}; every field is guarded by its monitor. Everything a
 * query needs is inline in one {@code long[]} of {@value #STRIDE} longs (24 bytes) per slot:
 * <ol>
 *   <li>x and y of the fixed-point unit vector (2<sup>30</sup> per unit, about 6 mm), packed;</li>
 *   <li>z of the unit vector (high half) and the latitude in fixed point (low half,
 *       {@value #LAT_UNITS} per degree, 4.7 mm);</li>
 *   <li>the longitude in fixed point (high half, {@value #LON_UNITS} per degree, 9.3 mm at the
 *       equator) and the observation time in milliseconds relative to {@link #timeBase} (low half).</li>
 * </ol>
 * A scan reads the first one and a half longs of a slot and never dereferences a per-user object;
 * only the ids of users that make the cut are read, from a parallel array. A time more than
 * &plusmn;24 days from the cell's base moves the base (rewriting the offsets); a cell whose times
 * span more than 49 days keeps them whole in {@link #wideTimes} instead. Not API.
 */
final class ProximityCell implements InMemoryGeoCellMap.Keyed {
    /** Longs per slot in {@link #data}. */
    static final int STRIDE = 3;
    /** Fixed-point units per degree of latitude: &plusmn;90&deg; fits an {@code int}. */
    static final double LAT_UNITS = 23_860_929.0;
    /** Fixed-point units per degree of longitude: &plusmn;180&deg; fits an {@code int}. */
    static final double LON_UNITS = 11_930_464.0;
    private static final long LOW = 0xFFFF_FFFFL;

    final long key;
    int size;
    long[] data = new long[STRIDE * 4];
    UserId[] ids = new UserId[4];
    Entry[] entries = new Entry[4];
    /** Observation times are {@code timeBase + (int) low half of the third long}, unless {@link #wideTimes}. */
    long timeBase;
    /** Whole observation times per slot once the cell's times span more than an int; null before. */
    long @Nullable [] wideTimes;
    boolean dead;

    ProximityCell(long key) {
        this.key = key;
    }

    @Override
    public long cellKey() {
        return key;
    }

    /** First long of a slot: the fixed-point x and y packed. */
    static long xy(int x, int y) {
        return ((long) x << 32) | (y & LOW);
    }

    /** Fixed-point latitude of {@code lat} degrees. */
    static int latFixed(double lat) {
        return (int) Math.round(lat * LAT_UNITS);
    }

    /** Fixed-point longitude of {@code lon} degrees. */
    static int lonFixed(double lon) {
        return (int) Math.round(lon * LON_UNITS);
    }

    /** Latitude (degrees) of slot {@code i}. */
    double lat(int i) {
        return Math.max(-90.0, Math.min(90.0, (int) data[STRIDE * i + 1] / LAT_UNITS));
    }

    /** Longitude (degrees) of slot {@code i}. */
    double lon(int i) {
        return Math.max(-180.0, Math.min(180.0, (int) (data[STRIDE * i + 2] >> 32) / LON_UNITS));
    }

    /** Observation time (epoch milliseconds) of slot {@code i}. */
    long millis(int i) {
        return wideTimes != null ? wideTimes[i] : timeBase + (int) data[STRIDE * i + 2];
    }

    void set(int i, long xy, int z, int lat, int lon, long millis) {
        long[] d = data;
        int j = STRIDE * i;
        d[j] = xy;
        d[j + 1] = ((long) z << 32) | (lat & LOW);
        d[j + 2] = ((long) lon << 32) | (timeOffset(i, millis) & LOW);
    }

    /** The low half of slot {@code i}'s third long for time {@code millis}; rebases or widens if needed. */
    private int timeOffset(int i, long millis) {
        if (wideTimes != null) {
            wideTimes[i] = millis;
            return 0;
        }
        long off = millis - timeBase;
        if (off == (int) off) {
            return (int) off;
        }
        // Out of reach of the base: move it so that every time of the cell (slot i's old one aside) fits.
        long min = millis;
        long max = millis;
        for (int k = 0; k < size; k++) {
            if (k != i) {
                long t = millis(k);
                min = Math.min(min, t);
                max = Math.max(max, t);
            }
        }
        if (max - min <= LOW) {
            long base = min - Integer.MIN_VALUE;
            for (int k = 0; k < size; k++) {
                if (k != i) {
                    int j = STRIDE * k + 2;
                    data[j] = (data[j] & ~LOW) | ((millis(k) - base) & LOW);
                }
            }
            timeBase = base;
            return (int) (millis - base);
        }
        long[] wide = new long[entries.length];
        for (int k = 0; k < size; k++) {
            wide[k] = millis(k);
        }
        wide[i] = millis;
        wideTimes = wide;
        return 0;
    }

    void append(Entry e, long xy, int z, int lat, int lon, long millis) {
        if (size == entries.length) {
            resize(size + (size >> 1) + 2);
        }
        if (size == 0 && wideTimes == null) {
            timeBase = millis;
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
        if (wideTimes != null) {
            wideTimes = Arrays.copyOf(wideTimes, cap);
        }
    }

    /** Swap-removes slot {@code i}; returns true if the cell became empty (it is then dead). */
    boolean removeAt(int i) {
        int last = --size;
        if (i != last) {
            Entry moved = entries[last];
            entries[i] = moved;
            ids[i] = ids[last];
            System.arraycopy(data, STRIDE * last, data, STRIDE * i, STRIDE);
            if (wideTimes != null) {
                wideTimes[i] = wideTimes[last];
            }
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

    /**
     * Per-user state; its own monitor serialises updates of one user. Fresh (not placed yet):
     * {@code cell == null, slot == 0}; removed: {@code cell == null, slot == REMOVED}.
     */
    static final class Entry {
        /** {@link #slot} of a removed entry (while {@link #cell} is null). */
        static final int REMOVED = -1;

        final UserId user;
        /** The user's hash as {@link InMemoryUserTable} spreads it (probes compare it before the id). */
        final int hash;
        /** Guarded by this entry's monitor; the cell holding it, null before insert and after removal. */
        @Nullable ProximityCell cell;
        /** Guarded by {@code cell}'s monitor while in a cell; by this entry's monitor otherwise. */
        int slot;

        Entry(UserId user, int hash) {
            this.user = user;
            this.hash = hash;
        }

        /** Guarded by this entry's monitor. */
        boolean removed() {
            return cell == null && slot == REMOVED;
        }
    }
}
