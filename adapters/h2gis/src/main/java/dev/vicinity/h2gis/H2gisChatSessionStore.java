package dev.vicinity.h2gis;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.EndReason;
import dev.vicinity.chat.MemberState;
import dev.vicinity.chat.Participant;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.h2gis.internal.Jdbc;
import dev.vicinity.h2gis.internal.Nanos;
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
 * {@link ChatSessionStore} on H2: one {@code chat_session} row per session plus its
 * {@code chat_participant} rows, always written together in one transaction.
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
 * {@link #due} one index range scan. Thread-safe.
 */
public final class H2gisChatSessionStore implements ChatSessionStore {
    private static final String COLUMNS = "s.id, s.state, s.end_reason, s.inviter, s.created_at_ns, s.activated_at_ns,"
            + " s.ended_at_ns, s.timeout_at_ns, s.version, p.ordinal, p.user_id, p.state, p.last_read, p.since_ns";

    private final Jdbc jdbc;
    private final String insertSession;
    private final String insertParticipant;
    private final String updateSession;
    private final String deleteParticipants;
    private final String find;
    private final String openOf;
    private final String due;

    H2gisChatSessionStore(Jdbc jdbc, String schema) {
        this.jdbc = jdbc;
        String sessions = schema + ".chat_session";
        String participants = schema + ".chat_participant";
        insertSession = "INSERT INTO " + sessions + " (id, state, end_reason, inviter, created_at_ns, activated_at_ns,"
                + " ended_at_ns, timeout_at_ns, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        insertParticipant = "INSERT INTO " + participants + " (session_id, ordinal, user_id, state, last_read, since_ns)"
                + " VALUES (?, ?, ?, ?, ?, ?)";
        updateSession = "UPDATE " + sessions + " SET state = ?, end_reason = ?, inviter = ?, created_at_ns = ?,"
                + " activated_at_ns = ?, ended_at_ns = ?, timeout_at_ns = ?, version = ? WHERE id = ? AND version = ?";
        deleteParticipants = "DELETE FROM " + participants + " WHERE session_id = ?";
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
        return jdbc.inTransaction("chat session insert", c -> {
            try (PreparedStatement ps = c.prepareStatement(insertSession)) {
                ps.setString(1, session.id().value());
                bindSession(ps, session, times, 2);
                ps.setLong(9, session.version());
                ps.executeUpdate();
            } catch (SQLException e) {
                if (jdbc.dialect().isUniqueViolation(e)) {
                    c.rollback();
                    return false;
                }
                throw e;
            }
            insertParticipants(c, session, times);
            return true;
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
        return jdbc.inTransaction("chat session compare-and-set", c -> {
            try (PreparedStatement ps = c.prepareStatement(updateSession)) {
                bindSession(ps, updated, times, 1);
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

    private void insertParticipants(Connection c, ChatSession s, long[] t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertParticipant)) {
            List<Participant> list = s.participants();
            for (int i = 0; i < list.size(); i++) {
                Participant p = list.get(i);
                ps.setString(1, s.id().value());
                ps.setInt(2, i);
                ps.setString(3, p.user().value());
                ps.setString(4, p.state().name().toLowerCase(Locale.ROOT));
                ps.setLong(5, p.lastRead());
                ps.setLong(6, t[4 + i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
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

    /** Binds state … timeout (7 parameters) from {@code first}. */
    private static void bindSession(PreparedStatement ps, ChatSession s, long[] t, int first) throws SQLException {
        int i = first;
        ps.setString(i++, s.state().wireName());
        ps.setString(i++, s.endReason() == null ? null : s.endReason().wireName());
        ps.setString(i++, s.inviter().value());
        ps.setLong(i++, t[0]);
        setNullableLong(ps, i++, s.activatedAt() == null ? null : t[1]);
        setNullableLong(ps, i++, s.endedAt() == null ? null : t[2]);
        setNullableLong(ps, i, s.timeoutAt() == null ? null : t[3]);
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
