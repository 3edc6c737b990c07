package dev.vicinity.jdbc;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.jdbc.internal.Nanos;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingAuditStore;
import dev.vicinity.rating.spi.RatingStore;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link RatingStore} and {@link RatingAuditStore} on any SQL database: a {@code rating} table whose
 * primary key is (session, rater, ratee), a {@code rating_aggregate} row of star counts per ratee and
 * a platform histogram in 16 {@code rating_platform} stripes. Subclasses supply only the aggregate
 * upsert ({@link #bumpAggregate}), which each database spells its own way.
 *
 * <p>Every write is one transaction that changes the rating row and applies
 * {@code contribution(new) − contribution(old)} to the ratee's row and the ratee's platform stripe,
 * so an aggregate is never visible without its rating change, nor the other way round; a failure at
 * any point rolls everything back. {@link #insertIfAbsent} relies on the primary key through the
 * dialect's insert-if-absent (of concurrent inserts of one key exactly one stores, the others get the
 * stored rating as a conflict); {@link #compareAndSet} locks the row ({@code SELECT … FOR UPDATE}) and
 * checks the version. Each transaction locks rows in the same order (rating, then aggregate, then
 * stripe) and touches one ratee, so writers do not deadlock (a deadlock a database still reports is
 * handled by the dialect's retry policy).
 *
 * <p>Count once per window (schema version 3): a write that reveals a rating also locks the
 * {@code rating_pair} row of its (ratee, rater) — creating it with the dialect's insert-if-absent —
 * after the rating row and before the aggregate, and either marks the rating {@code duplicate} or moves
 * the pair's last counted reveal; concurrent reveals of one pair wait on that row, so one of them counts.
 *
 * <p>Costs: insert and compare-and-set one transaction of two to five statements; {@link #find} and
 * {@link #aggregate} one primary-key lookup (O(1)); {@link #platformAggregate} a sum over 16 rows;
 * {@link #sealedDueBy} an index range scan; {@link #snapshot} one REPEATABLE READ transaction reading
 * the ratee's ratings through an index. Comments are stored as UTF-8 bytes (any Java string
 * round-trips). Thread-safe.
 */
public abstract class JdbcRatingStore implements RatingStore, RatingAuditStore {
    private static final int STRIPES = 16;
    private static final String RATING_COLUMNS = "session_id, rater, ratee, stars, tags, comment_utf8, idempotency_key,"
            + " state, submitted_at_ns, reveal_at_ns, updated_at_ns, version, duplicate";

    private final Jdbc jdbc;
    private final String aggregatesTable;
    private final String insert;
    private final String find;
    private final String lock;
    private final String update;
    private final String bumpPlatform;
    private final String aggregate;
    private final String platform;
    private final String due;
    private final String ratingsOf;
    private final String ensureAggregate;
    private final String replaceAggregate;
    private final String insertPair;
    private final String lockPair;
    private final String updatePair;
    private final String markDuplicate;

    /** A store over the rating tables of {@code schema} (already quoted). */
    protected JdbcRatingStore(Jdbc jdbc, String schema) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        SqlDialect dialect = jdbc.dialect();
        String ratings = schema + ".rating";
        aggregatesTable = schema + ".rating_aggregate";
        String stripes = schema + ".rating_platform";
        String pk = " WHERE session_id = ? AND rater = ? AND ratee = ?";
        insert = dialect.insertIfAbsent("INSERT INTO " + ratings + " (" + RATING_COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "session_id, rater, ratee");
        find = "SELECT " + RATING_COLUMNS + " FROM " + ratings + pk;
        lock = "SELECT version, stars, state, duplicate FROM " + ratings + pk + " FOR UPDATE";
        update = "UPDATE " + ratings + " SET stars = ?, tags = ?, comment_utf8 = ?, idempotency_key = ?, state = ?,"
                + " submitted_at_ns = ?, reveal_at_ns = ?, updated_at_ns = ?, version = ?, duplicate = ?" + pk;
        markDuplicate = "UPDATE " + ratings + " SET duplicate = TRUE" + pk;
        String pairs = schema + ".rating_pair";
        String pairKey = " WHERE ratee = ? AND rater = ?";
        insertPair = dialect.insertIfAbsent("INSERT INTO " + pairs + " (ratee, rater, last_counted_ns) VALUES (?, ?, ?)",
                "ratee, rater");
        lockPair = "SELECT last_counted_ns FROM " + pairs + pairKey + " FOR UPDATE";
        updatePair = "UPDATE " + pairs + " SET last_counted_ns = ?" + pairKey;
        bumpPlatform = "UPDATE " + stripes + " SET n1 = n1 + ?, n2 = n2 + ?, n3 = n3 + ?, n4 = n4 + ?, n5 = n5 + ?"
                + " WHERE stripe = ?";
        aggregate = "SELECT n1, n2, n3, n4, n5 FROM " + aggregatesTable + " WHERE user_id = ?";
        platform = "SELECT COALESCE(SUM(n1), 0), COALESCE(SUM(n2), 0), COALESCE(SUM(n3), 0), COALESCE(SUM(n4), 0),"
                + " COALESCE(SUM(n5), 0) FROM " + stripes;
        due = "SELECT session_id, rater, ratee FROM " + ratings + " WHERE state = 'sealed' AND reveal_at_ns <= ?"
                + " ORDER BY reveal_at_ns, session_id, rater, ratee LIMIT ?";
        ratingsOf = "SELECT " + RATING_COLUMNS + " FROM " + ratings + " WHERE ratee = ?";
        ensureAggregate = dialect.insertIfAbsent("INSERT INTO " + aggregatesTable + " (user_id) VALUES (?)", "user_id");
        replaceAggregate = "UPDATE " + aggregatesTable + " SET n1 = ?, n2 = ?, n3 = ?, n4 = ?, n5 = ? WHERE user_id = ?"
                + " AND n1 = ? AND n2 = ? AND n3 = ? AND n4 = ? AND n5 = ?";
    }

    /** The quoted, schema-qualified {@code rating_aggregate} table, for {@link #bumpAggregate}'s statements. */
    protected final String aggregatesTable() {
        return aggregatesTable;
    }

    /** The template, for subclasses' statements. */
    protected final Jdbc jdbc() {
        return jdbc;
    }

    /**
     * Inside a write transaction: adds {@code delta[i]} to the ratee's count of {@code i + 1} stars in
     * {@code rating_aggregate} (each count clamped at 0), creating the row if it does not exist yet,
     * even when a concurrent transaction creates it at the same moment.
     */
    protected abstract void bumpAggregate(Connection c, UserId ratee, long[] delta) throws SQLException;

    @Override
    public InsertResult insertIfAbsent(Rating rating) {
        return insertIfAbsent(rating, Duration.ZERO);
    }

    /**
     * Insert-if-absent with the count-once rule: in the same transaction, after the row insert, a
     * revealed rating locks its (ratee, rater) row in {@code rating_pair} and is marked duplicate or
     * moves that row's last counted reveal.
     */
    @Override
    public InsertResult insertIfAbsent(Rating rating, Duration countOncePer) {
        Objects.requireNonNull(rating, "rating");
        RatingStore.checkWindow(countOncePer);
        if (rating.version() != 1) {
            throw new IllegalArgumentException("a new rating must have version 1, got " + rating.version());
        }
        long[] times = times(rating);
        while (true) {
            Optional<InsertResult> result = jdbc.inTransaction("rating insert", c -> {
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    bindKey(ps, rating.key(), 1);
                    bindContent(c, ps, rating, times, 4);
                    ps.setLong(12, rating.version());
                    ps.setBoolean(13, false);
                    if (!jdbc.dialect().executeInsertIfAbsent(ps)) {
                        c.rollback();
                        return read(c, rating.key()).map(InsertResult.Conflict::new);
                    }
                }
                Rating stored = rating.withDuplicate(false);
                if (rating.revealed() && isDuplicate(c, rating, countOncePer)) {
                    try (PreparedStatement ps = c.prepareStatement(markDuplicate)) {
                        bindKey(ps, rating.key(), 1);
                        ps.executeUpdate();
                    }
                    stored = rating.withDuplicate(true);
                }
                if (stored.counted()) {
                    applyDelta(c, rating.key().ratee(), contribution(stored));
                }
                return Optional.of(new InsertResult.Inserted(stored));
            });
            // Empty only if the conflicting insert was rolled back after we saw it: try again.
            if (result.isPresent()) {
                return result.get();
            }
        }
    }

    @Override
    public Optional<Rating> find(RatingKey key) {
        Objects.requireNonNull(key, "key");
        return jdbc.autoCommit("rating find", c -> read(c, key));
    }

    @Override
    public boolean compareAndSet(long expectedVersion, Rating updated) {
        return compareAndSet(expectedVersion, updated, Duration.ZERO);
    }

    /**
     * Compare-and-set with the count-once rule: after the rating row is locked, a reveal locks its
     * (ratee, rater) row in {@code rating_pair} (lock order: rating, pair, aggregate, stripe).
     */
    @Override
    public boolean compareAndSet(long expectedVersion, Rating updated, Duration countOncePer) {
        Objects.requireNonNull(updated, "updated");
        RatingStore.checkWindow(countOncePer);
        if (updated.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("updated version must be " + (expectedVersion + 1)
                    + ", got " + updated.version());
        }
        long[] times = times(updated);
        return jdbc.inTransaction("rating compare-and-set", c -> {
            int oldStars;
            RatingState oldState;
            boolean oldDuplicate;
            try (PreparedStatement ps = c.prepareStatement(lock)) {
                bindKey(ps, updated.key(), 1);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getLong(1) != expectedVersion) {
                        return false;
                    }
                    oldStars = rs.getInt(2);
                    oldState = state(rs.getString(3));
                    oldDuplicate = rs.getBoolean(4);
                }
            }
            boolean duplicate = oldDuplicate;
            if (updated.revealed() && oldState != RatingState.REVEALED) {
                duplicate = isDuplicate(c, updated, countOncePer);
            }
            Rating stored = updated.withDuplicate(duplicate);
            try (PreparedStatement ps = c.prepareStatement(update)) {
                ps.setInt(1, updated.stars());
                bindContentAfterStars(c, ps, updated, times, 2);
                ps.setLong(9, updated.version());
                ps.setBoolean(10, duplicate);
                bindKey(ps, updated.key(), 11);
                ps.executeUpdate();
            }
            long[] delta = contribution(stored);
            if (oldState.counted() && !oldDuplicate) {
                delta[oldStars - 1]--;
            }
            if (delta[0] != 0 || delta[1] != 0 || delta[2] != 0 || delta[3] != 0 || delta[4] != 0) {
                applyDelta(c, updated.key().ratee(), delta);
            }
            return true;
        });
    }

    @Override
    public StarHistogram aggregate(UserId ratee) {
        Objects.requireNonNull(ratee, "ratee");
        return jdbc.autoCommit("rating aggregate", c -> readAggregate(c, ratee));
    }

    @Override
    public StarHistogram platformAggregate() {
        return jdbc.autoCommit("rating platform aggregate", c -> {
            try (PreparedStatement ps = c.prepareStatement(platform); ResultSet rs = ps.executeQuery()) {
                rs.next();
                long[] n = new long[5];
                for (int i = 0; i < 5; i++) {
                    n[i] = Math.max(0, rs.getLong(i + 1));
                }
                return StarHistogram.ofArray(n);
            }
        });
    }

    @Override
    public List<RatingKey> sealedDueBy(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        long nowNs = Nanos.of(now);
        return jdbc.autoCommit("rating sealed due", c -> {
            try (PreparedStatement ps = c.prepareStatement(due)) {
                ps.setLong(1, nowNs);
                ps.setInt(2, limit);
                List<RatingKey> keys = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(RatingKey.of(SessionId.of(rs.getString(1)), UserId.of(rs.getString(2)),
                                UserId.of(rs.getString(3))));
                    }
                }
                return List.copyOf(keys);
            }
        });
    }

    @Override
    public Snapshot snapshot(UserId ratee) {
        Objects.requireNonNull(ratee, "ratee");
        return jdbc.inTransaction("rating snapshot", Connection.TRANSACTION_REPEATABLE_READ, c -> {
            StarHistogram stored = readAggregate(c, ratee);
            List<Rating> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(ratingsOf)) {
                ps.setString(1, ratee.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(rating(rs));
                    }
                }
            }
            return new Snapshot(stored, list);
        });
    }

    @Override
    public boolean replaceAggregate(UserId ratee, StarHistogram expected, StarHistogram replacement) {
        Objects.requireNonNull(ratee, "ratee");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(replacement, "replacement");
        return jdbc.inTransaction("rating replace aggregate", c -> {
            try (PreparedStatement ps = c.prepareStatement(ensureAggregate)) {
                ps.setString(1, ratee.value());
                jdbc.dialect().executeInsertIfAbsent(ps);
            }
            long[] after = replacement.toArray();
            long[] before = expected.toArray();
            try (PreparedStatement ps = c.prepareStatement(replaceAggregate)) {
                for (int i = 0; i < 5; i++) {
                    ps.setLong(1 + i, after[i]);
                    ps.setLong(7 + i, before[i]);
                }
                ps.setString(6, ratee.value());
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    return false;
                }
            }
            long[] delta = new long[5];
            for (int i = 0; i < 5; i++) {
                delta[i] = after[i] - before[i];
            }
            bumpPlatform(c, ratee, delta);
            return true;
        });
    }

    /**
     * The count-once rule for {@code r}, which becomes revealed at {@code r.updatedAt()}: locks the
     * pair's row (creating it if absent) and returns true if the pair's last counted reveal is less than
     * {@code window} before; otherwise moves the last counted reveal forward to the rating's and returns false.
     */
    private boolean isDuplicate(Connection c, Rating r, Duration window) throws SQLException {
        long t = Nanos.of(r.updatedAt());
        try (PreparedStatement ps = c.prepareStatement(insertPair)) {
            bindPair(ps, r.key(), 1);
            ps.setLong(3, t);
            if (jdbc.dialect().executeInsertIfAbsent(ps)) {
                return false;
            }
        }
        long last;
        try (PreparedStatement ps = c.prepareStatement(lockPair)) {
            bindPair(ps, r.key(), 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("rating_pair row vanished for ratee " + r.key().ratee());
                }
                last = rs.getLong(1);
            }
        }
        if (!window.isZero() && t - last < windowNanos(window)) {
            return true;
        }
        if (t > last) {
            try (PreparedStatement ps = c.prepareStatement(updatePair)) {
                ps.setLong(1, t);
                bindPair(ps, r.key(), 2);
                ps.executeUpdate();
            }
        }
        return false;
    }

    private static long windowNanos(Duration window) {
        try {
            return window.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void bindPair(PreparedStatement ps, RatingKey key, int first) throws SQLException {
        ps.setString(first, key.ratee().value());
        ps.setString(first + 1, key.rater().value());
    }

    /** The stripe of the platform histogram that carries {@code ratee}'s ratings (the same on every backend). */
    private static int stripe(UserId ratee) {
        return Math.floorMod(ratee.value().hashCode(), STRIPES);
    }

    private void applyDelta(Connection c, UserId ratee, long[] delta) throws SQLException {
        bumpAggregate(c, ratee, delta);
        bumpPlatform(c, ratee, delta);
    }

    private void bumpPlatform(Connection c, UserId ratee, long[] delta) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(bumpPlatform)) {
            for (int i = 0; i < 5; i++) {
                ps.setLong(1 + i, delta[i]);
            }
            ps.setInt(6, stripe(ratee));
            ps.executeUpdate();
        }
    }

    private static long[] contribution(Rating r) {
        long[] d = new long[5];
        if (r.counted()) {
            d[r.stars() - 1] = 1;
        }
        return d;
    }

    private StarHistogram readAggregate(Connection c, UserId ratee) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(aggregate)) {
            ps.setString(1, ratee.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return StarHistogram.EMPTY;
                }
                return StarHistogram.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
            }
        }
    }

    private Optional<Rating> read(Connection c, RatingKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(find)) {
            bindKey(ps, key, 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rating(rs)) : Optional.empty();
            }
        }
    }

    private static long[] times(Rating r) {
        return new long[] {Nanos.of(r.submittedAt()), Nanos.of(r.revealAt()), Nanos.of(r.updatedAt())};
    }

    private static void bindKey(PreparedStatement ps, RatingKey key, int first) throws SQLException {
        ps.setString(first, key.session().value());
        ps.setString(first + 1, key.rater().value());
        ps.setString(first + 2, key.ratee().value());
    }

    /** Binds stars … updated_at (8 parameters) from {@code first}. */
    private void bindContent(Connection c, PreparedStatement ps, Rating r, long[] t, int first) throws SQLException {
        ps.setInt(first, r.stars());
        bindContentAfterStars(c, ps, r, t, first + 1);
    }

    /** Binds tags, comment, idempotency key, state, submitted, reveal, updated (7 parameters) from {@code first}. */
    private void bindContentAfterStars(Connection c, PreparedStatement ps, Rating r, long[] t, int first)
            throws SQLException {
        ps.setArray(first, c.createArrayOf(jdbc.dialect().textArrayType(), r.tags().toArray(new String[0])));
        if (r.comment() == null) {
            ps.setNull(first + 1, jdbc.dialect().binaryType());
        } else {
            ps.setBytes(first + 1, r.comment().getBytes(StandardCharsets.UTF_8));
        }
        ps.setString(first + 2, r.idempotencyKey());
        ps.setString(first + 3, r.state().name().toLowerCase(Locale.ROOT));
        ps.setLong(first + 4, t[0]);
        ps.setLong(first + 5, t[1]);
        ps.setLong(first + 6, t[2]);
    }

    private static Rating rating(ResultSet rs) throws SQLException {
        RatingKey key = RatingKey.of(SessionId.of(rs.getString(1)), UserId.of(rs.getString(2)),
                UserId.of(rs.getString(3)));
        Set<String> tags = new LinkedHashSet<>();
        Array array = rs.getArray(5);
        for (Object o : (Object[]) array.getArray()) {
            tags.add((String) o);
        }
        array.free();
        byte[] comment = rs.getBytes(6);
        return new Rating(key, rs.getInt(4), tags, comment == null ? null : new String(comment, StandardCharsets.UTF_8),
                rs.getString(7), state(rs.getString(8)), Nanos.toInstant(rs.getLong(9)),
                Nanos.toInstant(rs.getLong(10)), Nanos.toInstant(rs.getLong(11)), rs.getLong(12), rs.getBoolean(13));
    }

    private static RatingState state(String s) {
        return RatingState.valueOf(s.toUpperCase(Locale.ROOT));
    }

    /**
     * One statement ({@code user_id = ANY(?)} with an array of the ids: one primary-key probe per
     * user) for the whole batch.
     */
    @Override
    public java.util.Map<UserId, StarHistogram> aggregates(java.util.Collection<UserId> ratees) {
        java.util.Map<UserId, StarHistogram> result = new java.util.HashMap<>(Math.max(4, ratees.size() * 2));
        if (ratees.isEmpty()) {
            return result;
        }
        String[] ids = new String[ratees.size()];
        int i = 0;
        for (UserId u : ratees) {
            ids[i++] = u.value();
            result.put(u, StarHistogram.EMPTY);
        }
        String sql = "SELECT user_id, n1, n2, n3, n4, n5 FROM " + aggregatesTable + " WHERE user_id = ANY(?)";
        return jdbc.autoCommit("rating aggregates", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Array array = c.createArrayOf(jdbc.dialect().textArrayType(), ids);
                ps.setArray(1, array);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.put(UserId.of(rs.getString(1)), StarHistogram.of(rs.getLong(2), rs.getLong(3),
                                rs.getLong(4), rs.getLong(5), rs.getLong(6)));
                    }
                } finally {
                    array.free();
                }
            }
            return result;
        });
    }
}
