package dev.vicinity.postgres;

import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcLocationStore;

/**
 * {@link dev.vicinity.geo.spi.LocationStore} on PostgreSQL: one {@code location} row per user (plain
 * columns; the spatial index is the separate {@link PostgresProximityIndex}).
 *
 * <p>Each method is one statement, hence atomic and linearizable per user: the first write is
 * {@code INSERT … ON CONFLICT DO NOTHING} (version 1), later ones
 * {@code UPDATE … SET version = version + 1 WHERE user_id = ? AND version = ?}, whose row lock makes
 * racing writers of one user queue up and re-check the version, so exactly one wins. A removal is a
 * {@code DELETE} by version; afterwards the user starts again at version 1. Observation times are
 * stored to the nanosecond.
 *
 * <p>Costs: every method one primary-key statement, {@link #observedBefore} a range scan of the
 * {@code observed_at_ns} index, O(limit). Thread-safe. The statements are shared with the H2GIS
 * adapter ({@link JdbcLocationStore}).
 */
public final class PostgresLocationStore extends JdbcLocationStore {
    PostgresLocationStore(Jdbc jdbc, String schema) {
        super(jdbc, schema);
    }
}
