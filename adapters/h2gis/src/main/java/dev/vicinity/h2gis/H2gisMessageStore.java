package dev.vicinity.h2gis;

import dev.vicinity.core.SessionId;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcMessageStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@link dev.vicinity.chat.spi.MessageStore} on H2: a {@code chat_history} row per session holding the
 * top sequence, and one {@code chat_message} row per stored message with a unique constraint on
 * (session, sender, client id).
 *
 * <p>An append is one transaction: increment the session's top sequence (an {@code UPDATE}, or the
 * first {@code INSERT} of the counter row; the row lock serialises appenders of that session until
 * commit), then insert the message. If the client id is already stored the unique constraint
 * rejects the insert, the transaction is rolled back (the top does not move) and the stored message
 * is returned. Because a later appender waits for the earlier one's commit, messages become visible
 * in sequence order; sequences are gap-free because a failed append rolls back its increment.
 *
 * <p>Text is stored as UTF-8 {@code VARBINARY}, so it reads back unchanged. {@link #range} returns
 * at most the configured maximum page size per call. Costs: append three statements in one
 * transaction; range one primary-key range scan, O(limit); bounds one primary-key lookup; trim
 * O(removed). Thread-safe. Everything but the counter increment is shared with the PostgreSQL
 * adapter ({@link JdbcMessageStore}).
 */
public final class H2gisMessageStore extends JdbcMessageStore {
    private final String bump;
    private final String createCounter;
    private final String readTop;

    H2gisMessageStore(Jdbc jdbc, String schema, int maxPageSize) {
        super(jdbc, schema, maxPageSize);
        bump = "UPDATE " + historyTable() + " SET top_seq = top_seq + 1, last_appended_at_ns = ? WHERE session_id = ?";
        createCounter = "INSERT INTO " + historyTable() + " (session_id, top_seq, trimmed_upto, last_appended_at_ns)"
                + " VALUES (?, 1, 0, ?)";
        readTop = "SELECT top_seq FROM " + historyTable() + " WHERE session_id = ?";
    }

    /** Increments (or creates) the session's counter, holding its row lock until commit; the new top. */
    @Override
    protected long incrementTop(Connection c, SessionId session, long atNs) throws SQLException {
        while (true) {
            try (PreparedStatement ps = c.prepareStatement(bump)) {
                ps.setLong(1, atNs);
                ps.setString(2, session.value());
                if (ps.executeUpdate() == 1) {
                    try (PreparedStatement read = c.prepareStatement(readTop)) {
                        read.setString(1, session.value());
                        try (ResultSet rs = read.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(createCounter)) {
                ps.setString(1, session.value());
                ps.setLong(2, atNs);
                ps.executeUpdate();
                return 1;
            } catch (SQLException e) {
                // A concurrent first append created the row: H2 undid only our statement; increment it.
                if (!jdbc().dialect().isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }
}
