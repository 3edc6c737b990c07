package dev.vicinity.jdbc;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.chat.spi.HistoryBounds;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.jdbc.internal.Nanos;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link MessageStore} on any SQL database: a {@code <schema>.chat_history} row per session holding
 * the top sequence, and one {@code <schema>.chat_message} row per stored message with a unique
 * constraint on (session, sender, client id). Subclasses supply only the counter increment
 * ({@link #incrementTop}), which each database spells its own way.
 *
 * <p>An append is one transaction: increment the session's top sequence (its row lock serialises
 * appenders of that session, on every node, until commit), then the dialect's insert-if-absent of
 * the message. If the client id is already stored the transaction is rolled back, so the top does
 * not move, and the stored message is returned. Because a later appender waits for the earlier one's
 * commit, messages become visible in sequence order and a reader never sees sequence n + 1 without
 * n. Sequences are gap-free: a failed append rolls back its increment.
 *
 * <p>Text is stored as UTF-8 bytes, so it reads back unchanged (PostgreSQL {@code text} could not
 * hold U+0000). {@link #range} returns at most the configured maximum page size per call, whatever
 * the limit asked for. Costs: append two or three statements in one transaction (one more on a
 * duplicate); range one primary-key range scan, O(limit); bounds one primary-key lookup; trim
 * O(removed). Thread-safe.
 */
public abstract class JdbcMessageStore implements MessageStore {
    private final Jdbc jdbc;
    private final int maxPageSize;
    private final String historyTable;
    private final String insertMessage;
    private final String findByClientId;
    private final String range;
    private final String bounds;
    private final String markTrimmed;
    private final String deleteUpTo;

    /** A store over {@code <schema>.chat_history} and {@code <schema>.chat_message}; {@code schema} is quoted. */
    protected JdbcMessageStore(Jdbc jdbc, String schema, int maxPageSize) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.maxPageSize = maxPageSize;
        this.historyTable = schema + ".chat_history";
        String messages = schema + ".chat_message";
        insertMessage = jdbc.dialect().insertIfAbsent("INSERT INTO " + messages
                + " (session_id, seq, sender, client_id, body_utf8, stored_at_ns) VALUES (?, ?, ?, ?, ?, ?)",
                "session_id, sender, client_id");
        findByClientId = "SELECT seq, body_utf8, stored_at_ns FROM " + messages
                + " WHERE session_id = ? AND sender = ? AND client_id = ?";
        range = "SELECT seq, sender, client_id, body_utf8, stored_at_ns FROM " + messages
                + " WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?";
        bounds = "SELECT top_seq, trimmed_upto, last_appended_at_ns FROM " + historyTable + " WHERE session_id = ?";
        markTrimmed = "UPDATE " + historyTable + " SET trimmed_upto = GREATEST(trimmed_upto, LEAST(?, top_seq))"
                + " WHERE session_id = ?";
        deleteUpTo = "DELETE FROM " + messages + " WHERE session_id = ? AND seq <= ?";
    }

    /** The quoted, schema-qualified {@code chat_history} table, for {@link #incrementTop}'s statements. */
    protected final String historyTable() {
        return historyTable;
    }

    /** The template, for subclasses' statements. */
    protected final Jdbc jdbc() {
        return jdbc;
    }

    /**
     * Inside the append transaction: increments the session's {@code top_seq} (creating its
     * {@code chat_history} row with top 1, trimmed 0 on the first append), sets
     * {@code last_appended_at_ns} to {@code atNs}, and holds the row lock until commit.
     *
     * @return the new top sequence
     */
    protected abstract long incrementTop(Connection c, SessionId session, long atNs) throws SQLException;

    @Override
    public AppendResult append(SessionId session, UserId sender, MessageId clientId, String text, Instant at) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(text, "text");
        long atNs = Nanos.of(Objects.requireNonNull(at, "at"));
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; ; attempt++) {
            Optional<AppendResult> r = jdbc.inTransaction("message append", c -> {
                long seq = incrementTop(c, session, atNs);
                try (PreparedStatement ps = c.prepareStatement(insertMessage)) {
                    ps.setString(1, session.value());
                    ps.setLong(2, seq);
                    ps.setString(3, sender.value());
                    ps.setString(4, clientId.value());
                    ps.setBytes(5, body);
                    ps.setLong(6, atNs);
                    if (jdbc.dialect().executeInsertIfAbsent(ps)) {
                        return Optional.of(new AppendResult(new ChatMessage(session, seq, sender, clientId, text, at), true));
                    }
                }
                // Stored before: undo the increment and return what is stored.
                c.rollback();
                return existing(c, session, sender, clientId).map(m -> new AppendResult(m, false));
            });
            if (r.isPresent()) {
                return r.get();
            }
            // The conflicting message was trimmed between our insert and our read: append again.
            if (attempt > 10) {
                throw new IllegalStateException("append kept conflicting with a message that vanished");
            }
        }
    }

    private Optional<ChatMessage> existing(Connection c, SessionId session, UserId sender, MessageId clientId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findByClientId)) {
            ps.setString(1, session.value());
            ps.setString(2, sender.value());
            ps.setString(3, clientId.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ChatMessage(session, rs.getLong(1), sender, clientId,
                        new String(rs.getBytes(2), StandardCharsets.UTF_8), Nanos.toInstant(rs.getLong(3))));
            }
        }
    }

    @Override
    public Optional<ChatMessage> find(SessionId session, UserId sender, MessageId clientId) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clientId, "clientId");
        return jdbc.autoCommit("message find", c -> existing(c, session, sender, clientId));
    }

    @Override
    public List<ChatMessage> range(SessionId session, long afterSequence, int limit) {
        Objects.requireNonNull(session, "session");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        int page = Math.min(limit, maxPageSize);
        return jdbc.autoCommit("message range", c -> {
            try (PreparedStatement ps = c.prepareStatement(range)) {
                ps.setString(1, session.value());
                ps.setLong(2, afterSequence);
                ps.setInt(3, page);
                List<ChatMessage> out = new ArrayList<>(Math.min(page, 256));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ChatMessage(session, rs.getLong(1), UserId.of(rs.getString(2)),
                                MessageId.of(rs.getString(3)), new String(rs.getBytes(4), StandardCharsets.UTF_8),
                                Nanos.toInstant(rs.getLong(5))));
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    @Override
    public HistoryBounds bounds(SessionId session) {
        Objects.requireNonNull(session, "session");
        return jdbc.autoCommit("message bounds", c -> {
            try (PreparedStatement ps = c.prepareStatement(bounds)) {
                ps.setString(1, session.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return HistoryBounds.empty();
                    }
                    return new HistoryBounds(rs.getLong(1), rs.getLong(2) + 1,
                            Nanos.toInstantOrNull(rs.getObject(3, Long.class)));
                }
            }
        });
    }

    @Override
    public long trim(SessionId session, long uptoSequence) {
        Objects.requireNonNull(session, "session");
        if (uptoSequence < 1) {
            return 0;
        }
        return jdbc.inTransaction("message trim", c -> {
            try (PreparedStatement ps = c.prepareStatement(markTrimmed)) {
                ps.setLong(1, uptoSequence);
                ps.setString(2, session.value());
                if (ps.executeUpdate() == 0) {
                    return 0L;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(deleteUpTo)) {
                ps.setString(1, session.value());
                ps.setLong(2, uptoSequence);
                return (long) ps.executeUpdate();
            }
        });
    }
}
