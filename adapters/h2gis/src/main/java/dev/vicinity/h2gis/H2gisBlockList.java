package dev.vicinity.h2gis;

import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcBlockList;

/**
 * {@link dev.vicinity.geo.spi.BlockList} on H2: a {@code user_block (blocker, blocked)} table with an
 * index in each direction. {@link #block} is an {@code INSERT} that treats a primary-key violation as
 * "already blocked", {@link #unblock} a {@code DELETE}; both idempotent single statements. Every read
 * is one indexed query returning an immutable snapshot. Costs O(blocks of the user) per read.
 * Thread-safe. The statements are shared with the PostgreSQL adapter ({@link JdbcBlockList}).
 */
public final class H2gisBlockList extends JdbcBlockList {
    H2gisBlockList(Jdbc jdbc, String schema) {
        super(jdbc, schema);
    }
}
