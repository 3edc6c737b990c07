package dev.vicinity.postgres;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.Participant;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.JdbcChatSessionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * {@link dev.vicinity.chat.spi.ChatSessionStore} on PostgreSQL: one {@code chat_session} row per
 * session plus its {@code chat_participant} rows, always written together in one transaction.
 *
 * <p>Atomicity: every write is one SQL statement (data-modifying CTEs, participants passed as
 * arrays), hence one transaction and one round trip. {@link #insert} is
 * {@code INSERT … ON CONFLICT DO NOTHING}; {@link #compareAndSet} is
 * {@code UPDATE … WHERE id = ? AND version = ?}, whose row lock makes concurrent writers of one
 * session queue up and re-check the version, so exactly one of several writers from the same version
 * wins, on any number of nodes; the participant rows are written only by the statement whose session
 * row changed. Reads are single statements and therefore see one committed version (never a session
 * row of one version with participants of another).
 *
 * <p>Costs: insert and compare-and-set one statement; {@link #find} one indexed query;
 * {@link #openSessionsOf} one query via the participant index; {@link #due} one range scan of a
 * partial index. Thread-safe. The reads and row mapping are shared with the H2GIS adapter
 * ({@link JdbcChatSessionStore}); the two writes are PostgreSQL's own.
 */
public final class PostgresChatSessionStore extends JdbcChatSessionStore {
    private final String insertSession;
    private final String updateSession;

    PostgresChatSessionStore(Jdbc jdbc, String schema) {
        super(jdbc, schema);
        String sessions = sessionsTable();
        String participants = participantsTable();
        // Participants travel as four parallel arrays; their position in the arrays is their ordinal.
        String participantsFrom = " FROM s CROSS JOIN unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[])"
                + " WITH ORDINALITY AS x(user_id, state, last_read, since_ns, n)";
        String participantRows = "INSERT INTO " + participants + " (session_id, ordinal, user_id, state, last_read, since_ns)"
                + " SELECT s.id, (x.n - 1)::integer, x.user_id, x.state, x.last_read, x.since_ns" + participantsFrom;
        insertSession = "WITH s AS (INSERT INTO " + sessions + " (id, state, end_reason, inviter, created_at_ns,"
                + " activated_at_ns, ended_at_ns, timeout_at_ns, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (id) DO NOTHING RETURNING id),"
                + " p AS (" + participantRows + ")"
                + " SELECT count(*) FROM s";
        updateSession = "WITH s AS (UPDATE " + sessions + " SET state = ?, end_reason = ?, inviter = ?, created_at_ns = ?,"
                + " activated_at_ns = ?, ended_at_ns = ?, timeout_at_ns = ?, version = ? WHERE id = ? AND version = ?"
                + " RETURNING id),"
                + " p AS (" + participantRows + " ON CONFLICT (session_id, ordinal) DO UPDATE SET user_id = EXCLUDED.user_id,"
                + " state = EXCLUDED.state, last_read = EXCLUDED.last_read, since_ns = EXCLUDED.since_ns),"
                + " d AS (DELETE FROM " + participants + " WHERE session_id IN (SELECT id FROM s) AND ordinal >= ?)"
                + " SELECT count(*) FROM s";
    }

    @Override
    protected boolean insertSession(ChatSession session, long[] times) {
        return jdbc().autoCommit("chat session insert", c -> {
            try (PreparedStatement ps = c.prepareStatement(insertSession)) {
                ps.setString(1, session.id().value());
                bindSessionColumns(ps, session, times, 2);
                ps.setLong(9, session.version());
                bindParticipants(c, ps, session, times, 10);
                return count(ps) == 1;
            }
        });
    }

    @Override
    protected boolean updateSession(long expectedVersion, ChatSession updated, long[] times) {
        return jdbc().autoCommit("chat session compare-and-set", c -> {
            try (PreparedStatement ps = c.prepareStatement(updateSession)) {
                bindSessionColumns(ps, updated, times, 1);
                ps.setLong(8, updated.version());
                ps.setString(9, updated.id().value());
                ps.setLong(10, expectedVersion);
                bindParticipants(c, ps, updated, times, 11);
                ps.setInt(15, updated.participants().size());
                return count(ps) == 1;
            }
        });
    }

    /** Binds the participants as four arrays (user, state, last read, since) from {@code first}. */
    private static void bindParticipants(Connection c, PreparedStatement ps, ChatSession s, long[] t, int first)
            throws SQLException {
        List<Participant> list = s.participants();
        int n = list.size();
        String[] users = new String[n];
        String[] states = new String[n];
        Long[] lastRead = new Long[n];
        Long[] since = new Long[n];
        for (int i = 0; i < n; i++) {
            Participant p = list.get(i);
            users[i] = p.user().value();
            states[i] = memberState(p);
            lastRead[i] = p.lastRead();
            since[i] = t[4 + i];
        }
        ps.setArray(first, c.createArrayOf("text", users));
        ps.setArray(first + 1, c.createArrayOf("text", states));
        ps.setArray(first + 2, c.createArrayOf("bigint", lastRead));
        ps.setArray(first + 3, c.createArrayOf("bigint", since));
    }

    private static long count(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
