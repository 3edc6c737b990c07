package dev.vicinity.h2gis;

import dev.vicinity.core.UserId;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcRatingStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * {@link dev.vicinity.rating.spi.RatingStore} and {@link dev.vicinity.rating.spi.RatingAuditStore} on
 * H2: a {@code rating} table whose primary key is (session, rater, ratee), a {@code rating_aggregate}
 * row of star counts per ratee and a platform histogram in 16 {@code rating_platform} stripes (the
 * PostgreSQL adapter's tables).
 *
 * <p>Every write is one transaction that changes the rating row and applies
 * {@code contribution(new) − contribution(old)} to the ratee's row and the ratee's platform stripe,
 * so an aggregate is never visible without its rating change, nor the other way round; a failure
 * at any point rolls everything back. {@link #insertIfAbsent} relies on the primary key (of
 * concurrent inserts of one key exactly one stores, the others get the stored rating as a
 * conflict); {@link #compareAndSet} locks the row ({@code SELECT … FOR UPDATE}) and checks the
 * version; the aggregate is an {@code UPDATE}, or an {@code INSERT} of the ratee's first row. Each
 * transaction locks rows in the same order (rating, aggregate, stripe) and touches one ratee; a
 * deadlock H2 still detects is rolled back and retried as a whole.
 *
 * <p>Costs: insert and compare-and-set one transaction of two to five statements; {@link #find}
 * and {@link #aggregate} one primary-key lookup (O(1)); {@link #platformAggregate} a sum over 16
 * rows; {@link #sealedDueBy} an index range scan; {@link #snapshot} one REPEATABLE READ transaction.
 * Thread-safe. Everything but the aggregate upsert is shared with the PostgreSQL adapter
 * ({@link JdbcRatingStore}).
 */
public final class H2gisRatingStore extends JdbcRatingStore {
    private final String bumpAggregate;
    private final String createAggregate;

    H2gisRatingStore(Jdbc jdbc, String schema) {
        super(jdbc, schema);
        bumpAggregate = "UPDATE " + aggregatesTable() + " SET n1 = GREATEST(n1 + ?, 0), n2 = GREATEST(n2 + ?, 0),"
                + " n3 = GREATEST(n3 + ?, 0), n4 = GREATEST(n4 + ?, 0), n5 = GREATEST(n5 + ?, 0) WHERE user_id = ?";
        createAggregate = "INSERT INTO " + aggregatesTable() + " (user_id, n1, n2, n3, n4, n5)"
                + " VALUES (?, GREATEST(?, 0), GREATEST(?, 0), GREATEST(?, 0), GREATEST(?, 0), GREATEST(?, 0))";
    }

    @Override
    protected void bumpAggregate(Connection c, UserId ratee, long[] delta) throws SQLException {
        while (true) {
            try (PreparedStatement ps = c.prepareStatement(bumpAggregate)) {
                for (int i = 0; i < 5; i++) {
                    ps.setLong(1 + i, delta[i]);
                }
                ps.setString(6, ratee.value());
                if (ps.executeUpdate() == 1) {
                    return;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(createAggregate)) {
                ps.setString(1, ratee.value());
                for (int i = 0; i < 5; i++) {
                    ps.setLong(2 + i, delta[i]);
                }
                ps.executeUpdate();
                return;
            } catch (SQLException e) {
                // A concurrent first rating of this ratee created the row (only our statement was undone).
                if (!jdbc().dialect().isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }
}
