package dev.vicinity.postgres;

import dev.vicinity.core.SessionId;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcMessageStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@link dev.vicinity.chat.spi.MessageStore} on PostgreSQL: a {@code chat_history} row per session
 * holding the top sequence, and one {@code chat_message} row per stored message with a unique
 * constraint on (session, sender, client id).
 *
 * <p>An append is one transaction: an upsert that increments the session's top sequence
 * ({@code INSERT … ON CONFLICT DO UPDATE … RETURNING}; its row lock serialises appenders of that
 * session, on every node, until commit) and an {@code INSERT … ON CONFLICT DO NOTHING} of the
 * message. If the client id is already stored the transaction is rolled back, so the top does not
 * move, and the stored message is returned. Because a later appender waits for the earlier one's
 * commit, messages become visible in sequence order and a reader never sees sequence n + 1 without
 * n. Sequences are gap-free: a failed append rolls back its increment.
 *
 * <p>Text is stored as UTF-8 {@code bytea} (PostgreSQL {@code text} cannot hold U+0000), so it reads
 * back unchanged. {@link #range} returns at most the configured maximum page size per call, whatever
 * the limit asked for. Costs: append two statements in one transaction (one more on a duplicate);
 * range one primary-key range scan, O(limit); bounds one primary-key lookup; trim O(removed).
 * Thread-safe. Everything but the counter upsert is shared with the H2GIS adapter
 * ({@link JdbcMessageStore}).
 */
public final class PostgresMessageStore extends JdbcMessageStore {
    private final String bump;

    PostgresMessageStore(Jdbc jdbc, String schema, int maxPageSize) {
        super(jdbc, schema, maxPageSize);
        bump = "INSERT INTO " + historyTable() + " AS h (session_id, top_seq, trimmed_upto, last_appended_at_ns)"
                + " VALUES (?, 1, 0, ?) ON CONFLICT (session_id) DO UPDATE SET top_seq = h.top_seq + 1,"
                + " last_appended_at_ns = EXCLUDED.last_appended_at_ns RETURNING top_seq";
    }

    @Override
    protected long incrementTop(Connection c, SessionId session, long atNs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(bump)) {
            ps.setString(1, session.value());
            ps.setLong(2, atNs);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
