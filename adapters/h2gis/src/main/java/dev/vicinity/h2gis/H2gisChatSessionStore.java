package dev.vicinity.h2gis;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.Participant;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcChatSessionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * {@link dev.vicinity.chat.spi.ChatSessionStore} on H2: one {@code chat_session} row per session plus
 * its {@code chat_participant} rows, always written together in one transaction.
 *
 * <p>Atomicity: {@link #insert} inserts the session row and relies on its primary key (of
 * concurrent inserts of one id exactly one succeeds, the others see a unique violation and return
 * false). {@link #compareAndSet} is {@code UPDATE … WHERE id = ? AND version = ?}: H2 locks the row,
 * makes a concurrent writer wait for the commit and re-evaluates its condition against the committed
 * row, so of several writers from the same version exactly one wins; only the winner rewrites the
 * participant rows, in the same transaction. Reads are one statement over a committed state (never a
 * session row of one version with participants of another).
 *
 * <p>Costs: insert and compare-and-set one transaction of 2–3 statements (participants batched);
 * {@link #find} one primary-key join; {@link #openSessionsOf} one query via the participant index;
 * {@link #due} one index range scan. Thread-safe. The reads and row mapping are shared with the
 * PostgreSQL adapter ({@link JdbcChatSessionStore}); the two writes are H2's own.
 */
public final class H2gisChatSessionStore extends JdbcChatSessionStore {
    private final String insertSession;
    private final String insertParticipant;
    private final String updateSession;
    private final String deleteParticipants;

    H2gisChatSessionStore(Jdbc jdbc, String schema) {
        super(jdbc, schema);
        insertSession = jdbc.dialect().insertIfAbsent("INSERT INTO " + sessionsTable() + " (id, state, end_reason,"
                + " inviter, created_at_ns, activated_at_ns, ended_at_ns, timeout_at_ns, version)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "id");
        insertParticipant = "INSERT INTO " + participantsTable()
                + " (session_id, ordinal, user_id, state, last_read, since_ns) VALUES (?, ?, ?, ?, ?, ?)";
        updateSession = "UPDATE " + sessionsTable() + " SET state = ?, end_reason = ?, inviter = ?, created_at_ns = ?,"
                + " activated_at_ns = ?, ended_at_ns = ?, timeout_at_ns = ?, version = ? WHERE id = ? AND version = ?";
        deleteParticipants = "DELETE FROM " + participantsTable() + " WHERE session_id = ?";
    }

    @Override
    protected boolean insertSession(ChatSession session, long[] times) {
        return jdbc().inTransaction("chat session insert", c -> {
            try (PreparedStatement ps = c.prepareStatement(insertSession)) {
                ps.setString(1, session.id().value());
                bindSessionColumns(ps, session, times, 2);
                ps.setLong(9, session.version());
                if (!jdbc().dialect().executeInsertIfAbsent(ps)) {
                    c.rollback();
                    return false;
                }
            }
            insertParticipants(c, session, times);
            return true;
        });
    }

    @Override
    protected boolean updateSession(long expectedVersion, ChatSession updated, long[] times) {
        return jdbc().inTransaction("chat session compare-and-set", c -> {
            try (PreparedStatement ps = c.prepareStatement(updateSession)) {
                bindSessionColumns(ps, updated, times, 1);
                ps.setLong(8, updated.version());
                ps.setString(9, updated.id().value());
                ps.setLong(10, expectedVersion);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(deleteParticipants)) {
                ps.setString(1, updated.id().value());
                ps.executeUpdate();
            }
            insertParticipants(c, updated, times);
            return true;
        });
    }

    private void insertParticipants(Connection c, ChatSession s, long[] t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertParticipant)) {
            List<Participant> list = s.participants();
            for (int i = 0; i < list.size(); i++) {
                Participant p = list.get(i);
                ps.setString(1, s.id().value());
                ps.setInt(2, i);
                ps.setString(3, p.user().value());
                ps.setString(4, memberState(p));
                ps.setLong(5, p.lastRead());
                ps.setLong(6, t[4 + i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
