package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A compact in-memory table of each user's online flag and ranking score, which the host keeps up to
 * date from its presence and rating events ({@link #setOnline}, {@link #setScore}, {@link #put}) and
 * hands to {@link NearbyMatcher} as both its {@link OnlineCheck} and its {@link ScoreProvider}:
 *
 * <pre>{@code
 * UserSideTable side = new UserSideTable();
 * presence.addListener(...)  // on online/offline: side.setOnline(user, online)
 * ratings ...                // on a new aggregate:  side.setScore(user, score)
 * NearbyMatcher.builder(locations, blocks, side).scoreProvider(side)...
 * }</pre>
 *
 * <p>The matcher recognises the table and reads a whole distance bucket straight from it: one probe
 * per candidate gives both the flag and the score, with no per-bucket collection, set or callback.
 * Other callers get the ordinary {@link OnlineCheck} and {@link ScoreProvider} methods.
 *
 * <p>Layout: one open-addressing table (kept at most half full) of the ids and of one {@code long} per
 * user holding the id's spread hash, the online flag and the score as a {@code float}; about 24 bytes
 * per user, the {@link UserId}s themselves excluded. Scores are therefore kept to a {@code float}'s
 * precision (24 significant bits; two scores closer than about 1e-7 relative to each other may tie);
 * NaN means "no score". A user not in the table is offline and has no score.
 *
 * <p>Thread-safe: writes are serialised by one lock; reads take no lock and see, per user, either the
 * value before or after a concurrent write (flag and score are read together, in one atomic read).
 * O(1) expected per read and write; the table grows by rebuilding (writes wait for it, reads do not).
 */
public final class UserSideTable implements OnlineCheck, ScoreProvider {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(UserId[].class);
    /** Bit of the meta word (in the hash half) that holds the online flag. */
    private static final long ONLINE = 1L << 32;
    private static final long HASH_MASK = 0xFFFF_FFFE_0000_0000L;
    private static final int NO_SCORE = Float.floatToRawIntBits(Float.NaN);

    /** The arrays, replaced whole on rebuild. */
    private static final class Table {
        final UserId[] keys;
        /** Per slot: spread hash (high 31 bits), online (bit 32), score float bits (low 32). */
        final long[] meta;

        Table(int capacity) {
            keys = new UserId[capacity];
            meta = new long[capacity];
        }
    }

    /** Marks a removed slot; compared by identity. */
    private final UserId tombstone = UserId.of("tombstone");
    private volatile Table table = new Table(64);
    /** Non-null slots (users and tombstones); guarded by {@code lock}. */
    private int used;
    /** Users present; written under {@code lock}. */
    private volatile int live;
    private final Object lock = new Object();

    /** An empty table. */
    public UserSideTable() {
    }

    private static long hashBits(UserId user) {
        int h = user.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        return ((long) h << 32) & HASH_MASK;
    }

    private static int slotOf(long hashBits, int mask) {
        return (int) (hashBits >>> 33) & mask;
    }

    /** The slot of {@code user} in {@code t}, or -1. Lock-free. */
    private int find(Table t, UserId user, long hashBits) {
        UserId[] keys = t.keys;
        long[] meta = t.meta;
        int mask = keys.length - 1;
        int i = slotOf(hashBits, mask);
        while (true) {
            UserId k = (UserId) KEYS.getAcquire(keys, i); // pairs with the release of a new key
            if (k == null) {
                return -1;
            }
            if ((((long) LONGS.getOpaque(meta, i)) & HASH_MASK) == hashBits && k != tombstone
                    && (k == user || k.equals(user))) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /** The meta word of {@code user}, or 0 if absent (absent: offline, no score via {@link #scoreOf}). */
    private long metaOf(Table t, UserId user) {
        long h = hashBits(user);
        int i = find(t, user, h);
        return i < 0 ? NO_SCORE & 0xFFFF_FFFFL : (long) LONGS.getOpaque(t.meta, i);
    }

    private static double scoreOf(long meta) {
        return Float.intBitsToFloat((int) meta);
    }

    /** Sets whether {@code user} is online, keeping its score (none if new). */
    public void setOnline(UserId user, boolean online) {
        Objects.requireNonNull(user, "user");
        write(user, online ? 1 : 0, Float.NaN, false);
    }

    /** Sets {@code user}'s score (NaN: none), keeping its online flag (offline if new). */
    public void setScore(UserId user, double score) {
        Objects.requireNonNull(user, "user");
        write(user, -1, (float) score, true);
    }

    /** Sets both the online flag and the score (NaN: none) of {@code user}. */
    public void put(UserId user, boolean online, double score) {
        Objects.requireNonNull(user, "user");
        write(user, online ? 1 : 0, (float) score, true);
    }

    /** Forgets {@code user} (then offline, no score); returns whether it was present. */
    public boolean remove(UserId user) {
        Objects.requireNonNull(user, "user");
        synchronized (lock) {
            Table t = table;
            int i = find(t, user, hashBits(user));
            if (i < 0) {
                return false;
            }
            KEYS.setRelease(t.keys, i, tombstone);
            live--;
            return true;
        }
    }

    /** Number of users in the table. */
    public int size() {
        return live;
    }

    /** {@code online}: 1, 0, or -1 to keep; the score is written only if {@code setScore}. */
    private void write(UserId user, int online, float score, boolean setScore) {
        long h = hashBits(user);
        synchronized (lock) {
            Table t = table;
            int i = find(t, user, h);
            if (i >= 0) {
                long m = (long) LONGS.getOpaque(t.meta, i);
                if (online >= 0) {
                    m = online == 1 ? m | ONLINE : m & ~ONLINE;
                }
                if (setScore) {
                    m = (m & ~0xFFFF_FFFFL) | (Float.floatToRawIntBits(score) & 0xFFFF_FFFFL);
                }
                LONGS.setOpaque(t.meta, i, m);
                return;
            }
            long m = h | (online == 1 ? ONLINE : 0)
                    | ((setScore ? Float.floatToRawIntBits(score) : NO_SCORE) & 0xFFFF_FFFFL);
            int mask = t.keys.length - 1;
            int free = -1;
            i = slotOf(h, mask);
            while (t.keys[i] != null) {
                if (free < 0 && t.keys[i] == tombstone) {
                    free = i;
                }
                i = (i + 1) & mask;
            }
            if (free < 0) {
                free = i;
                used++;
            }
            LONGS.setOpaque(t.meta, free, m);
            KEYS.setRelease(t.keys, free, user); // a reader that sees the key sees its meta word
            live++;
            if (used * 2 > t.keys.length) {
                rebuild(t);
            }
        }
    }

    private void rebuild(Table old) {
        int cap = 64;
        while (cap < live * 3) {
            cap <<= 1;
        }
        Table t = new Table(cap);
        int mask = cap - 1;
        int n = 0;
        for (int j = 0; j < old.keys.length; j++) {
            UserId k = old.keys[j];
            if (k != null && k != tombstone) {
                long m = old.meta[j];
                int i = slotOf(m, mask);
                while (t.keys[i] != null) {
                    i = (i + 1) & mask;
                }
                t.keys[i] = k;
                t.meta[i] = m;
                n++;
            }
        }
        used = n;
        table = t; // volatile publication of the filled table
    }

    /** Whether {@code user} is online (false if not in the table). */
    @Override
    public boolean isOnline(UserId user) {
        return (metaOf(table, user) & ONLINE) != 0;
    }

    /** The online ones of {@code users}, read from the table. */
    @Override
    public Set<UserId> onlineAmong(Collection<UserId> users) {
        Table t = table;
        Set<UserId> out = new HashSet<>();
        for (UserId u : users) {
            if ((metaOf(t, u) & ONLINE) != 0) {
                out.add(u);
            }
        }
        return out;
    }

    /** The score of {@code user}, NaN if none or not in the table. */
    @Override
    public double score(UserId user) {
        return scoreOf(metaOf(table, user));
    }

    /** The scores of {@code users}, in order, read from the table. */
    @Override
    public double[] scores(List<UserId> users) {
        Table t = table;
        double[] out = new double[users.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = scoreOf(metaOf(t, users.get(i)));
        }
        return out;
    }

    /**
     * The matcher's bucket read: for the entries {@code idx[from..to)} of {@code users}, sets
     * {@code keep} (online, or every entry unless {@code checkOnline}) and, if {@code readScore}, the
     * score of each kept one (NaN as {@code -infinity}). One probe per entry.
     */
    void resolve(UserId[] users, int[] idx, int from, int to, boolean checkOnline, boolean readScore,
                 boolean[] keep, double[] score) {
        Table t = table;
        // Touch every entry's home slot first: independent loads, so the table's cache misses overlap
        // instead of coming one probe at a time.
        long[] meta = t.meta;
        UserId[] keys = t.keys;
        int mask = meta.length - 1;
        long touched = 0;
        for (int k = from; k < to; k++) {
            int slot = slotOf(hashBits(users[idx[k]]), mask);
            touched += meta[slot] + (keys[slot] == null ? 0 : 1);
        }
        if (touched == Long.MIN_VALUE) { // practically never; keeps the loads above
            t = table;
        }
        for (int k = from; k < to; k++) {
            int i = idx[k];
            long m = metaOf(t, users[i]);
            if (checkOnline && (m & ONLINE) == 0) {
                continue;
            }
            keep[i] = true;
            double s = readScore ? scoreOf(m) : Double.NaN;
            score[i] = Double.isNaN(s) ? Double.NEGATIVE_INFINITY : s;
        }
    }
}
