package dev.vicinity.chat.memory;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.chat.spi.HistoryBounds;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link MessageStore} in one process: the reference backend for tests and single-node hosts.
 *
 * <p>Each session has its own log guarded by its own lock, so appends to different sessions run in
 * parallel and an append is one lock, one hash lookup and one array write (amortised O(1)).
 * Messages sit in a ring buffer indexed by sequence: {@link #range} is O(limit), {@link #trim} is
 * O(messages removed). Idempotency records are dropped together with their trimmed messages.
 * Memory is proportional to retained messages; sessions are never forgotten (their top must
 * survive, offsets never reset).
 */
public final class InMemoryMessageStore implements MessageStore {
    private final Map<SessionId, Log> logs = new ConcurrentHashMap<>();

    private static final class Log {
        ChatMessage[] ring = new ChatMessage[16];
        int head;
        int size;
        long top;
        @Nullable Instant lastAppendedAt;
        /**
         * Idempotency index: open addressing with linear probing over (sender, client id) hashes. Entry
         * {@code i} is {@code table[2i]}, a retained sequence + 1 (0 = empty) whose message in the ring
         * is the key, and {@code table[2i + 1]}, its hash: one flat array, so a probe touches one cache
         * line (with 1,000 sessions the index is far larger than the CPU caches, and an append's probe
         * was a fifth of a send in ChatFanOutBenchmark with the two halves in separate arrays). No node
         * or key object per message: an append allocates nothing here. Kept at most half full; trimmed
         * entries leave by backward shift.
         */
        long[] table = new long[64];
        int indexed;

        static int hash(UserId sender, MessageId clientId) {
            // Murmur3's finaliser: client ids are often sequential ("…-41", "…-42"), whose String hashes
            // differ in the low bits only; a weak mix made long runs in the linear-probing table, and
            // every new message probes to the end of its run (11 % of a send in ChatFanOutBenchmark).
            int h = sender.hashCode() * 0x9E3779B9 + clientId.hashCode();
            h ^= h >>> 16;
            h *= 0x85EBCA6B;
            h ^= h >>> 13;
            h *= 0xC2B2AE35;
            return h ^ (h >>> 16);
        }

        private int capacity() {
            return table.length >> 1;
        }

        /** The retained message sent by {@code sender} with {@code clientId}, or null. */
        @Nullable ChatMessage find(UserId sender, MessageId clientId, int h) {
            long[] t = table;
            int mask = capacity() - 1;
            for (int i = h & mask; t[2 * i] != 0; i = (i + 1) & mask) {
                if ((int) t[2 * i + 1] == h) {
                    ChatMessage m = at(t[2 * i] - 1);
                    if (m.clientId().equals(clientId) && m.sender().equals(sender)) {
                        return m;
                    }
                }
            }
            return null;
        }

        void index(long sequence, int h) {
            if (2 * (indexed + 1) > capacity()) {
                long[] old = table;
                table = new long[old.length * 2];
                for (int i = 0; i < old.length; i += 2) {
                    if (old[i] != 0) {
                        put(old[i], (int) old[i + 1]);
                    }
                }
            }
            put(sequence + 1, h);
            indexed++;
        }

        private void put(long slotValue, int h) {
            long[] t = table;
            int mask = capacity() - 1;
            int i = h & mask;
            while (t[2 * i] != 0) {
                i = (i + 1) & mask;
            }
            t[2 * i] = slotValue;
            t[2 * i + 1] = h;
        }

        /** Drops the index entry of retained message {@code m} (called before it leaves the ring). */
        void unindex(ChatMessage m) {
            long[] t = table;
            int mask = capacity() - 1;
            long target = m.sequence() + 1;
            int i = hash(m.sender(), m.clientId()) & mask;
            while (t[2 * i] != target) {
                if (t[2 * i] == 0) {
                    return; // not indexed (cannot happen: every retained message is)
                }
                i = (i + 1) & mask;
            }
            indexed--;
            // Backward-shift deletion keeps every probe chain unbroken without tombstones.
            int j = i;
            while (true) {
                j = (j + 1) & mask;
                if (t[2 * j] == 0) {
                    break;
                }
                int home = (int) t[2 * j + 1] & mask;
                boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
                if (!stays) {
                    t[2 * i] = t[2 * j];
                    t[2 * i + 1] = t[2 * j + 1];
                    i = j;
                }
            }
            t[2 * i] = 0;
        }

        long oldest() {
            return top - size + 1;
        }

        ChatMessage at(long sequence) {
            return ring[(int) ((head + (sequence - oldest())) & (ring.length - 1))];
        }

        void add(ChatMessage m) {
            if (size == ring.length) {
                ChatMessage[] bigger = new ChatMessage[ring.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = ring[(head + i) & (ring.length - 1)];
                }
                ring = bigger;
                head = 0;
            }
            ring[(head + size) & (ring.length - 1)] = m;
            size++;
        }
    }

    @Override
    public AppendResult append(SessionId session, UserId sender, MessageId clientId, String text, Instant at) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clientId, "clientId");
        int h = Log.hash(sender, clientId);
        Log log = logs.computeIfAbsent(session, s -> new Log());
        synchronized (log) {
            ChatMessage existing = log.find(sender, clientId, h);
            if (existing != null) {
                return new AppendResult(existing, false);
            }
            ChatMessage m = new ChatMessage(session, log.top + 1, sender, clientId, text, at);
            log.top++;
            log.add(m);
            log.index(m.sequence(), h);
            log.lastAppendedAt = at;
            return new AppendResult(m, true);
        }
    }

    @Override
    public Optional<ChatMessage> find(SessionId session, UserId sender, MessageId clientId) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clientId, "clientId");
        Log log = logs.get(session);
        if (log == null) {
            return Optional.empty();
        }
        synchronized (log) {
            return Optional.ofNullable(log.find(sender, clientId, Log.hash(sender, clientId)));
        }
    }

    @Override
    public List<ChatMessage> range(SessionId session, long afterSequence, int limit) {
        Objects.requireNonNull(session, "session");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        Log log = logs.get(session);
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            long from = Math.max(afterSequence + 1, log.oldest());
            long to = Math.min(log.top, from + limit - 1);
            if (from > to) {
                return List.of();
            }
            List<ChatMessage> out = new ArrayList<>((int) (to - from + 1));
            for (long s = from; s <= to; s++) {
                out.add(log.at(s));
            }
            return List.copyOf(out);
        }
    }

    @Override
    public HistoryBounds bounds(SessionId session) {
        Log log = logs.get(Objects.requireNonNull(session, "session"));
        if (log == null) {
            return HistoryBounds.empty();
        }
        synchronized (log) {
            return new HistoryBounds(log.top, log.oldest(), log.lastAppendedAt);
        }
    }

    @Override
    public long trim(SessionId session, long uptoSequence) {
        Log log = logs.get(Objects.requireNonNull(session, "session"));
        if (log == null) {
            return 0;
        }
        synchronized (log) {
            long removed = 0;
            while (log.size > 0 && log.oldest() <= uptoSequence) {
                ChatMessage m = log.ring[log.head];
                log.unindex(m);
                log.ring[log.head] = null;
                log.head = (log.head + 1) & (log.ring.length - 1);
                log.size--;
                removed++;
            }
            return removed;
        }
    }

    /** Messages currently retained over all sessions (tests of bounded memory). */
    public long retainedCount() {
        long n = 0;
        for (Log log : logs.values()) {
            synchronized (log) {
                n += log.size;
            }
        }
        return n;
    }
}
