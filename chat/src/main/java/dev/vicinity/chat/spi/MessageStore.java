package dev.vicinity.chat.spi;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Message history of chat sessions, shared by every node: the source of truth for ordering, resume
 * and gap recovery. Sequencing and idempotency are one atomic primitive ({@link #append}); a SQL
 * adapter does it in one transaction with a unique constraint on (session, sender, client id), Redis
 * in one Lua script, memory under a per-session lock.
 *
 * <p>Guarantees every implementation must give (the testkit's {@code MessageStoreContract} checks
 * them): per session, sequences are 1, 2, 3... without gaps or repeats, even with many concurrent
 * appenders on many nodes; a (session, sender, client id) is stored at most once while retained;
 * {@code top} never decreases. Thread-safe.
 */
public interface MessageStore {

    /**
     * Atomically: if a message of {@code sender} with {@code clientId} is stored in {@code session},
     * returns it ({@code created = false}) and stores nothing; otherwise stores a new message with
     * sequence {@code top + 1} and time {@code at} and returns it ({@code created = true}).
     */
    AppendResult append(SessionId session, UserId sender, MessageId clientId, String text, Instant at);

    /**
     * Up to {@code limit} stored messages with sequence greater than {@code afterSequence}, in
     * ascending order. Trimmed messages are absent (the first returned sequence may then be greater
     * than {@code afterSequence + 1}). Empty for an unknown session.
     *
     * @param limit 1 or more; implementations never return more
     */
    List<ChatMessage> range(SessionId session, long afterSequence, int limit);

    /**
     * The retained message {@code sender} stored in {@code session} with {@code clientId}: what
     * {@link #append} would return with {@code created = false}, without storing anything. Empty if there
     * is none or it was trimmed. Lets a retry be recognised after the session stopped taking messages.
     * The default finds nothing (a store written before this method keeps working; such a retry is then
     * refused as before); the stores of this project implement it.
     */
    default Optional<ChatMessage> find(SessionId session, UserId sender, MessageId clientId) {
        return Optional.empty();
    }

    /** Top sequence, oldest retained sequence and time of the last append; {@link HistoryBounds#empty()} if none. */
    HistoryBounds bounds(SessionId session);

    /**
     * Deletes every message with sequence at or below {@code uptoSequence}, together with its
     * idempotency record; {@code top} is unchanged (offsets never reset). Idempotent.
     *
     * @return number of messages removed by this call
     */
    long trim(SessionId session, long uptoSequence);
}
