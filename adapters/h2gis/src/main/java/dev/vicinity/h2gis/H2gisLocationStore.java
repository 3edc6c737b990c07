package dev.vicinity.h2gis;

import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcLocationStore;

/**
 * {@link dev.vicinity.geo.spi.LocationStore} on H2: one {@code location} row per user (plain columns;
 * the spatial index is the separate {@link H2gisProximityIndex}).
 *
 * <p>Each method is one statement, hence atomic and linearizable per user: the first write is an
 * {@code INSERT} whose primary key lets exactly one of racing first writers win (the others get
 * "not written"); later ones are {@code UPDATE … SET version = version + 1 WHERE user_id = ? AND
 * version = ?}, whose row lock makes racing writers queue up and re-check the version, so exactly
 * one wins. A removal is a {@code DELETE} by version; afterwards the user starts again at version 1.
 * Observation times are stored to the nanosecond, coordinates as exact doubles.
 *
 * <p>Costs: every method one primary-key statement, {@link #observedBefore} an index range scan,
 * O(limit). Thread-safe. The statements are shared with the PostgreSQL adapter
 * ({@link JdbcLocationStore}).
 */
public final class H2gisLocationStore extends JdbcLocationStore {
    H2gisLocationStore(Jdbc jdbc, String schema) {
        super(jdbc, schema);
    }
}
