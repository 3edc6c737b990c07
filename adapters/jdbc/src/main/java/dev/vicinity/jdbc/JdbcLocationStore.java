package dev.vicinity.jdbc;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationSource;
import dev.vicinity.geo.PublicLocation;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.StoredLocation;
import dev.vicinity.jdbc.internal.Nanos;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link LocationStore} on any SQL database: one {@code <schema>.location} row per user (plain
 * columns; the spatial index is the adapter's proximity index).
 *
 * <p>Each method is one statement, hence atomic and linearizable per user: the first write is the
 * dialect's insert-if-absent (version 1; of racing first writers exactly one wins, the others get
 * "not written"), later ones {@code UPDATE … SET version = version + 1 WHERE user_id = ? AND
 * version = ?}, whose row lock makes racing writers queue up and re-check the version, so exactly
 * one wins. A removal is a {@code DELETE} by version; afterwards the user starts again at version 1.
 * Observation times are stored to the nanosecond, coordinates as exact doubles.
 *
 * <p>Costs: every method one primary-key statement, {@link #observedBefore} a range scan of the
 * {@code observed_at_ns} index, O(limit). Thread-safe. Adapters bind it with a subclass that only
 * names the backend.
 */
public abstract class JdbcLocationStore implements LocationStore {
    private static final String COLUMNS = "user_id, lat, lon, source, accuracy_m, observed_at_ns, version";

    private final Jdbc jdbc;
    private final String get;
    private final String insert;
    private final String update;
    private final String remove;
    private final String before;

    /** A store over {@code <schema>.location}; {@code schema} is already quoted. */
    protected JdbcLocationStore(Jdbc jdbc, String schema) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        String table = schema + ".location";
        get = "SELECT " + COLUMNS + " FROM " + table + " WHERE user_id = ?";
        insert = jdbc.dialect().insertIfAbsent(
                "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, 1)", "user_id");
        update = "UPDATE " + table + " SET lat = ?, lon = ?, source = ?, accuracy_m = ?, observed_at_ns = ?,"
                + " version = version + 1 WHERE user_id = ? AND version = ?";
        remove = "DELETE FROM " + table + " WHERE user_id = ? AND version = ?";
        before = "SELECT " + COLUMNS + " FROM " + table + " WHERE observed_at_ns < ? LIMIT ?";
    }

    @Override
    public Optional<StoredLocation> get(UserId user) {
        Objects.requireNonNull(user, "user");
        return jdbc.autoCommit("location get", c -> {
            try (PreparedStatement ps = c.prepareStatement(get)) {
                ps.setString(1, user.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<StoredLocation> compareAndSet(long expectedVersion, PublicLocation next) {
        Objects.requireNonNull(next, "next");
        if (expectedVersion < 0) {
            return Optional.empty();
        }
        long observedNs = Nanos.of(next.observedAt());
        String source = next.source().name().toLowerCase(Locale.ROOT);
        boolean written = jdbc.autoCommit("location compare-and-set", c -> {
            if (expectedVersion == 0) {
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    ps.setString(1, next.user().value());
                    ps.setDouble(2, next.cell().lat());
                    ps.setDouble(3, next.cell().lon());
                    ps.setString(4, source);
                    ps.setDouble(5, next.accuracyMeters());
                    ps.setLong(6, observedNs);
                    return jdbc.dialect().executeInsertIfAbsent(ps);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(update)) {
                ps.setDouble(1, next.cell().lat());
                ps.setDouble(2, next.cell().lon());
                ps.setString(3, source);
                ps.setDouble(4, next.accuracyMeters());
                ps.setLong(5, observedNs);
                ps.setString(6, next.user().value());
                ps.setLong(7, expectedVersion);
                return ps.executeUpdate() == 1;
            }
        });
        return written ? Optional.of(new StoredLocation(next, expectedVersion + 1)) : Optional.empty();
    }

    @Override
    public boolean remove(UserId user, long expectedVersion) {
        Objects.requireNonNull(user, "user");
        return jdbc.autoCommit("location remove", c -> {
            try (PreparedStatement ps = c.prepareStatement(remove)) {
                ps.setString(1, user.value());
                ps.setLong(2, expectedVersion);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<StoredLocation> observedBefore(Instant cutoff, int limit) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        long cutoffNs = Nanos.of(cutoff);
        return jdbc.autoCommit("location observed before", c -> {
            try (PreparedStatement ps = c.prepareStatement(before)) {
                ps.setLong(1, cutoffNs);
                ps.setInt(2, limit);
                List<StoredLocation> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    private static StoredLocation read(ResultSet rs) throws SQLException {
        PublicLocation l = new PublicLocation(UserId.of(rs.getString(1)), GeoPoint.ofLatLon(rs.getDouble(2), rs.getDouble(3)),
                LocationSource.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getDouble(5),
                Nanos.toInstant(rs.getLong(6)));
        return new StoredLocation(l, rs.getLong(7));
    }
}
