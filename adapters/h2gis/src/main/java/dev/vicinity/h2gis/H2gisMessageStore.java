package dev.vicinity.h2gis;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.chat.spi.HistoryBounds;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.h2gis.internal.Jdbc;
import dev.vicinity.h2gis.internal.Nanos;
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
 * {@link MessageStore} on H2: a {@code chat_history} row per session holding the top sequence, and
 * one {@code chat_message} row per stored message with a unique constraint on (session, sender,
 * client id).
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
 * O(removed). Thread-safe.
 */
public final class H2gisMessageStore implements MessageStore {
    private final Jdbc jdbc;
    private final int maxPageSize;
    private final String bump;
    private final String createCounter;
    private final String readTop;
    private final String insertMessage;
    private final String findByClientId;
    private final String range;
    private final String bounds;
    private final String markTrimmed;
    private final String deleteUpTo;

    H2gisMessageStore(Jdbc jdbc, String schema, int maxPageSize) {
        this.jdbc = jdbc;
        this.maxPageSize = maxPageSize;
        String history = schema + ".chat_history";
        String messages = schema + ".chat_message";
        bump = "UPDATE " + history + " SET top_seq = top_seq + 1, last_appended_at_ns = ? WHERE session_id = ?";
        createCounter = "INSERT INTO " + history + " (session_id, top_seq, trimmed_upto, last_appended_at_ns)"
                + " VALUES (?, 1, 0, ?)";
        readTop = "SELECT top_seq FROM " + history + " WHERE session_id = ?";
        insertMessage = "INSERT INTO " + messages + " (session_id, seq, sender, client_id, body_utf8, stored_at_ns)"
                + " VALUES (?, ?, ?, ?, ?, ?)";
        findByClientId = "SELECT seq, body_utf8, stored_at_ns FROM " + messages
                + " WHERE session_id = ? AND sender = ? AND client_id = ?";
        range = "SELECT seq, sender, client_id, body_utf8, stored_at_ns FROM " + messages
                + " WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?";
        bounds = "SELECT top_seq, trimmed_upto, last_appended_at_ns FROM " + history + " WHERE session_id = ?";
        markTrimmed = "UPDATE " + history + " SET trimmed_upto = GREATEST(trimmed_upto, LEAST(?, top_seq))"
                + " WHERE session_id = ?";
        deleteUpTo = "DELETE FROM " + messages + " WHERE session_id = ? AND seq <= ?";
    }

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
                long seq = increment(c, session, atNs);
                try (PreparedStatement ps = c.prepareStatement(insertMessage)) {
                    ps.setString(1, session.value());
                    ps.setLong(2, seq);
                    ps.setString(3, sender.value());
                    ps.setString(4, clientId.value());
                    ps.setBytes(5, body);
                    ps.setLong(6, atNs);
                    ps.executeUpdate();
                    return Optional.of(new AppendResult(new ChatMessage(session, seq, sender, clientId, text, at), true));
                } catch (SQLException e) {
                    if (!jdbc.dialect().isUniqueViolation(e)) {
                        throw e;
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

    /** Increments (or creates) the session's counter, holding its row lock until commit; the new top. */
    private long increment(Connection c, SessionId session, long atNs) throws SQLException {
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
                if (!jdbc.dialect().isUniqueViolation(e)) {
                    throw e;
                }
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
