package dev.vicinity.postgres;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.EndReason;
import dev.vicinity.chat.MemberState;
import dev.vicinity.chat.Participant;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.postgres.internal.Jdbc;
import dev.vicinity.postgres.internal.Nanos;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ChatSessionStore} on PostgreSQL: one {@code chat_session} row per session plus its
 * {@code chat_participant} rows, always written together in one transaction.
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
 * partial index. Thread-safe.
 */
public final class PostgresChatSessionStore implements ChatSessionStore {
    private static final String COLUMNS = "s.id, s.state, s.end_reason, s.inviter, s.created_at_ns, s.activated_at_ns,"
            + " s.ended_at_ns, s.timeout_at_ns, s.version, p.ordinal, p.user_id, p.state, p.last_read, p.since_ns";

    private final Jdbc jdbc;
    private final String insertSession;
    private final String updateSession;
    private final String find;
    private final String openOf;
    private final String due;

    PostgresChatSessionStore(Jdbc jdbc, String schema) {
        this.jdbc = jdbc;
        String sessions = schema + ".chat_session";
        String participants = schema + ".chat_participant";
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
        find = "SELECT " + COLUMNS + " FROM " + sessions + " s JOIN " + participants + " p ON p.session_id = s.id"
                + " WHERE s.id = ? ORDER BY p.ordinal";
        openOf = "SELECT " + COLUMNS + " FROM " + sessions + " s JOIN " + participants + " p ON p.session_id = s.id"
                + " WHERE s.id IN (SELECT session_id FROM " + participants + " WHERE user_id = ?)"
                + " AND s.state IN ('invited', 'active') ORDER BY s.id, p.ordinal";
        due = "SELECT id FROM " + sessions + " WHERE timeout_at_ns IS NOT NULL AND timeout_at_ns <= ?"
                + " ORDER BY timeout_at_ns, id LIMIT ?";
    }

    @Override
    public boolean insert(ChatSession session) {
        Objects.requireNonNull(session, "session");
        long[] times = times(session);
        return jdbc.autoCommit("chat session insert", c -> {
            try (PreparedStatement ps = c.prepareStatement(insertSession)) {
                bindSession(ps, session, times, 1);
                ps.setLong(9, session.version());
                bindParticipants(c, ps, session, times, 10);
                return count(ps) == 1;
            }
        });
    }

    @Override
    public Optional<ChatSession> find(SessionId id) {
        Objects.requireNonNull(id, "id");
        return jdbc.autoCommit("chat session find", c -> {
            try (PreparedStatement ps = c.prepareStatement(find)) {
                ps.setString(1, id.value());
                try (ResultSet rs = ps.executeQuery()) {
                    List<ChatSession> found = read(rs);
                    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
                }
            }
        });
    }

    @Override
    public boolean compareAndSet(long expectedVersion, ChatSession updated) {
        Objects.requireNonNull(updated, "updated");
        if (updated.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("updated version must be " + (expectedVersion + 1)
                    + ", got " + updated.version());
        }
        long[] times = times(updated);
        return jdbc.autoCommit("chat session compare-and-set", c -> {
            try (PreparedStatement ps = c.prepareStatement(updateSession)) {
                bindSession(ps, updated, times, 0);
                ps.setLong(8, updated.version());
                ps.setString(9, updated.id().value());
                ps.setLong(10, expectedVersion);
                bindParticipants(c, ps, updated, times, 11);
                ps.setInt(15, updated.participants().size());
                return count(ps) == 1;
            }
        });
    }

    @Override
    public List<ChatSession> openSessionsOf(UserId user) {
        Objects.requireNonNull(user, "user");
        return jdbc.autoCommit("chat open sessions", c -> {
            try (PreparedStatement ps = c.prepareStatement(openOf)) {
                ps.setString(1, user.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return List.copyOf(read(rs));
                }
            }
        });
    }

    @Override
    public List<SessionId> due(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        long nowNs = Nanos.of(now);
        return jdbc.autoCommit("chat due sessions", c -> {
            try (PreparedStatement ps = c.prepareStatement(due)) {
                ps.setLong(1, nowNs);
                ps.setInt(2, limit);
                List<SessionId> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(SessionId.of(rs.getString(1)));
                    }
                }
                return List.copyOf(ids);
            }
        });
    }

    /** Converts the instants up front, so that an unstorable one fails before any connection is taken. */
    private static long[] times(ChatSession s) {
        long[] t = new long[4 + s.participants().size()];
        t[0] = Nanos.of(s.createdAt());
        t[1] = s.activatedAt() == null ? Long.MIN_VALUE : Nanos.of(s.activatedAt());
        t[2] = s.endedAt() == null ? Long.MIN_VALUE : Nanos.of(s.endedAt());
        t[3] = s.timeoutAt() == null ? Long.MIN_VALUE : Nanos.of(s.timeoutAt());
        for (int i = 0; i < s.participants().size(); i++) {
            t[4 + i] = Nanos.of(s.participants().get(i).since());
        }
        return t;
    }

    /** Binds id (insert only), state … timeout; {@code offset} 1 when the id comes first. */
    private static void bindSession(PreparedStatement ps, ChatSession s, long[] t, int offset) throws SQLException {
        int i = 1;
        if (offset == 1) {
            ps.setString(i++, s.id().value());
        }
        ps.setString(i++, s.state().wireName());
        ps.setString(i++, s.endReason() == null ? null : s.endReason().wireName());
        ps.setString(i++, s.inviter().value());
        ps.setLong(i++, t[0]);
        setNullableLong(ps, i++, s.activatedAt() == null ? null : t[1]);
        setNullableLong(ps, i++, s.endedAt() == null ? null : t[2]);
        setNullableLong(ps, i, s.timeoutAt() == null ? null : t[3]);
    }

    /** Binds the participants as four arrays (user, state, last read, since) from {@code first}. */
    private static void bindParticipants(Connection c, PreparedStatement ps, ChatSession s, long[] t, int first)
            throws SQLException {
        List<Participant> ps0 = s.participants();
        int n = ps0.size();
        String[] users = new String[n];
        String[] states = new String[n];
        Long[] lastRead = new Long[n];
        Long[] since = new Long[n];
        for (int i = 0; i < n; i++) {
            Participant p = ps0.get(i);
            users[i] = p.user().value();
            states[i] = p.state().name().toLowerCase(Locale.ROOT);
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

    /** Rows ordered by session then ordinal, one row per participant, folded into sessions. */
    private static List<ChatSession> read(ResultSet rs) throws SQLException {
        List<ChatSession> out = new ArrayList<>();
        String currentId = null;
        Object[] head = null;
        List<Participant> participants = new ArrayList<>();
        while (rs.next()) {
            String id = rs.getString(1);
            if (!id.equals(currentId)) {
                if (currentId != null) {
                    out.add(session(head, participants));
                }
                currentId = id;
                participants = new ArrayList<>();
                head = new Object[] {id, rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                    rs.getObject(6, Long.class), rs.getObject(7, Long.class), rs.getObject(8, Long.class), rs.getLong(9)};
            }
            participants.add(new Participant(UserId.of(rs.getString(11)),
                    MemberState.valueOf(rs.getString(12).toUpperCase(Locale.ROOT)), rs.getLong(13),
                    Nanos.toInstant(rs.getLong(14))));
        }
        if (currentId != null) {
            out.add(session(head, participants));
        }
        return out;
    }

    private static ChatSession session(Object[] h, List<Participant> participants) {
        return new ChatSession(SessionId.of((String) h[0]), state((String) h[1]), reason((String) h[2]),
                UserId.of((String) h[3]), participants, Nanos.toInstant((Long) h[4]), Nanos.toInstantOrNull((Long) h[5]),
                Nanos.toInstantOrNull((Long) h[6]), Nanos.toInstantOrNull((Long) h[7]), (Long) h[8]);
    }

    private static ChatSessionState state(String wire) {
        for (ChatSessionState s : ChatSessionState.values()) {
            if (s.wireName().equals(wire)) {
                return s;
            }
        }
        throw new IllegalStateException("unknown session state in database: " + wire);
    }

    private static EndReason reason(String wire) {
        if (wire == null) {
            return null;
        }
        for (EndReason r : EndReason.values()) {
            if (r.wireName().equals(wire)) {
                return r;
            }
        }
        throw new IllegalStateException("unknown end reason in database: " + wire);
    }

    private static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
