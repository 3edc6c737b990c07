package dev.vicinity.jdbc;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.EndReason;
import dev.vicinity.chat.MemberState;
import dev.vicinity.chat.Participant;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.jdbc.internal.Nanos;
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
import org.jspecify.annotations.Nullable;

/**
 * {@link ChatSessionStore} on any SQL database: one {@code <schema>.chat_session} row per session
 * plus its {@code <schema>.chat_participant} rows (ordinal = position in the session's participant
 * list), always written together in one transaction. The reads ({@link #find},
 * {@link #openSessionsOf}, {@link #due}) and the row mapping live here; the two writes
 * ({@link #insertSession}, {@link #updateSession}) are each database's own statements, because how
 * the session row and its participants are written atomically differs (one statement with
 * data-modifying CTEs on PostgreSQL, a short transaction on H2).
 *
 * <p>Reads are single statements and therefore see one committed version (never a session row of
 * one version with participants of another). Costs: {@link #find} one primary-key join;
 * {@link #openSessionsOf} one query via the participant index; {@link #due} one index range scan.
 * Thread-safe if the subclass's writes are.
 */
public abstract class JdbcChatSessionStore implements ChatSessionStore {
    private static final String COLUMNS = "s.id, s.state, s.end_reason, s.inviter, s.created_at_ns, s.activated_at_ns,"
            + " s.ended_at_ns, s.timeout_at_ns, s.version, p.ordinal, p.user_id, p.state, p.last_read, p.since_ns";

    private final Jdbc jdbc;
    private final String sessionsTable;
    private final String participantsTable;
    private final String find;
    private final String openOf;
    private final String due;

    /** A store over the chat tables of {@code schema} (already quoted). */
    protected JdbcChatSessionStore(Jdbc jdbc, String schema) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        sessionsTable = schema + ".chat_session";
        participantsTable = schema + ".chat_participant";
        find = "SELECT " + COLUMNS + " FROM " + sessionsTable + " s JOIN " + participantsTable + " p ON p.session_id = s.id"
                + " WHERE s.id = ? ORDER BY p.ordinal";
        openOf = "SELECT " + COLUMNS + " FROM " + sessionsTable + " s JOIN " + participantsTable + " p ON p.session_id = s.id"
                + " WHERE s.id IN (SELECT session_id FROM " + participantsTable + " WHERE user_id = ?)"
                + " AND s.state IN ('invited', 'active') ORDER BY s.id, p.ordinal";
        due = "SELECT id FROM " + sessionsTable + " WHERE timeout_at_ns IS NOT NULL AND timeout_at_ns <= ?"
                + " ORDER BY timeout_at_ns, id LIMIT ?";
    }

    /** The template, for subclasses' statements. */
    protected final Jdbc jdbc() {
        return jdbc;
    }

    /** The quoted, schema-qualified {@code chat_session} table. */
    protected final String sessionsTable() {
        return sessionsTable;
    }

    /** The quoted, schema-qualified {@code chat_participant} table. */
    protected final String participantsTable() {
        return participantsTable;
    }

    /**
     * Stores {@code session} and its participants atomically unless a session with its id exists.
     *
     * @param times the instants as nanoseconds, see {@link #times}
     * @return true if stored, false if the id was taken (nothing written)
     */
    protected abstract boolean insertSession(ChatSession session, long[] times);

    /**
     * Replaces the session row and all participant rows of {@code updated} atomically if the stored
     * version is {@code expectedVersion}; of racing writers from one version exactly one may win.
     *
     * @param times the instants as nanoseconds, see {@link #times}
     * @return true if written, false if the version did not match or the session does not exist
     */
    protected abstract boolean updateSession(long expectedVersion, ChatSession updated, long[] times);

    @Override
    public boolean insert(ChatSession session) {
        Objects.requireNonNull(session, "session");
        return insertSession(session, times(session));
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
        return updateSession(expectedVersion, updated, times(updated));
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

    /**
     * The instants of {@code s} as epoch nanoseconds, converted before any connection is taken so an
     * unstorable one fails first: [created, activated, ended, timeout, since of participant 0, 1, …]
     * (absent instants are {@link Long#MIN_VALUE}; bind them with {@link #bindSessionColumns}).
     */
    protected static long[] times(ChatSession s) {
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

    /**
     * Binds state, end reason, inviter, created, activated, ended, timeout (7 parameters, in the
     * column order of {@code chat_session}) from {@code first}.
     */
    protected static void bindSessionColumns(PreparedStatement ps, ChatSession s, long[] t, int first) throws SQLException {
        int i = first;
        ps.setString(i++, s.state().wireName());
        ps.setString(i++, s.endReason() == null ? null : s.endReason().wireName());
        ps.setString(i++, s.inviter().value());
        ps.setLong(i++, t[0]);
        setNullableLong(ps, i++, s.activatedAt() == null ? null : t[1]);
        setNullableLong(ps, i++, s.endedAt() == null ? null : t[2]);
        setNullableLong(ps, i, s.timeoutAt() == null ? null : t[3]);
    }

    /** The stored form of a participant's membership state ({@code joined}, {@code left}). */
    protected static String memberState(Participant p) {
        return p.state().name().toLowerCase(Locale.ROOT);
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

    @SuppressWarnings("NullAway") // the nullable columns map to the nullable ChatSession components
    private static ChatSession session(Object @Nullable [] h, List<Participant> participants) {
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

    private static @Nullable EndReason reason(@Nullable String wire) {
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

    private static void setNullableLong(PreparedStatement ps, int index, @Nullable Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
