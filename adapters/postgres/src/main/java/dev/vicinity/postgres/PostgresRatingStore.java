package dev.vicinity.postgres;

import dev.vicinity.core.UserId;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcRatingStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * {@link dev.vicinity.rating.spi.RatingStore} and {@link dev.vicinity.rating.spi.RatingAuditStore} on
 * PostgreSQL: a {@code rating} table whose primary key is (session, rater, ratee), a
 * {@code rating_aggregate} row of star counts per ratee and a platform histogram in 16
 * {@code rating_platform} stripes.
 *
 * <p>Every write is one transaction that changes the rating row and applies
 * {@code contribution(new) − contribution(old)} to the ratee's row and the ratee's platform stripe,
 * so an aggregate is never visible without its rating change, nor the other way round; a failure
 * at any point rolls everything back. {@link #insertIfAbsent} relies on the primary key
 * ({@code INSERT … ON CONFLICT DO NOTHING}: of concurrent inserts of one key exactly one stores);
 * {@link #compareAndSet} locks the row ({@code SELECT … FOR UPDATE}) and checks the version; the
 * aggregate is one {@code INSERT … ON CONFLICT DO UPDATE}. Each transaction locks rows in the same
 * order (rating, then aggregate, then stripe) and touches one ratee, so writers cannot deadlock.
 *
 * <p>Costs: insert and compare-and-set one transaction of two to four statements; {@link #find}
 * and {@link #aggregate} one primary-key lookup (O(1)); {@link #platformAggregate} a sum over 16
 * rows; {@link #sealedDueBy} a range scan of a partial index; {@link #snapshot} one REPEATABLE READ
 * transaction reading the ratee's ratings through an index. Comments are stored as UTF-8
 * {@code bytea} (any Java string round-trips). Thread-safe. Everything but the aggregate upsert is
 * shared with the H2GIS adapter ({@link JdbcRatingStore}).
 */
public final class PostgresRatingStore extends JdbcRatingStore {
    private final String bumpAggregate;

    PostgresRatingStore(Jdbc jdbc, String schema) {
        super(jdbc, schema);
        bumpAggregate = "INSERT INTO " + aggregatesTable() + " AS a (user_id, n1, n2, n3, n4, n5)"
                + " VALUES (?, GREATEST(?, 0), GREATEST(?, 0), GREATEST(?, 0), GREATEST(?, 0), GREATEST(?, 0))"
                + " ON CONFLICT (user_id) DO UPDATE SET n1 = GREATEST(a.n1 + ?, 0), n2 = GREATEST(a.n2 + ?, 0),"
                + " n3 = GREATEST(a.n3 + ?, 0), n4 = GREATEST(a.n4 + ?, 0), n5 = GREATEST(a.n5 + ?, 0)";
    }

    @Override
    protected void bumpAggregate(Connection c, UserId ratee, long[] delta) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(bumpAggregate)) {
            ps.setString(1, ratee.value());
            for (int i = 0; i < 5; i++) {
                ps.setLong(2 + i, delta[i]);
                ps.setLong(7 + i, delta[i]);
            }
            ps.executeUpdate();
        }
    }
}
