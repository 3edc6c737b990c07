package dev.vicinity.postgres;

import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcBlockList;

/**
 * {@link dev.vicinity.geo.spi.BlockList} on PostgreSQL: a {@code user_block (blocker, blocked)} table
 * with an index in each direction. {@link #block} is {@code INSERT … ON CONFLICT DO NOTHING} and
 * {@link #unblock} a {@code DELETE}, both idempotent single statements; every read is one indexed
 * query returning an immutable snapshot. Costs O(blocks of the user) per read. Thread-safe. The
 * statements are shared with the H2GIS adapter ({@link JdbcBlockList}).
 */
public final class PostgresBlockList extends JdbcBlockList {
    PostgresBlockList(Jdbc jdbc, String schema) {
        super(jdbc, schema);
    }
}
