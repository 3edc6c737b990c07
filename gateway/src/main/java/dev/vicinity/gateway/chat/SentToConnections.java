package dev.vicinity.gateway.chat;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ReplayCursor;
import dev.vicinity.chat.SessionView;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.SessionId;
import dev.vicinity.gateway.ClientContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What each connection has been sent, per session: a {@link ReplayCursor} of its messages (from
 * {@link ChatService#cursor}) and the newest session version pushed. Every message push goes through
 * {@link #message}, which drops what the connection already has and fills a gap from history first,
 * so each connection sees each session's messages once and in order, whatever the interleaving of
 * live fan-out and resume replay.
 *
 * <p>Thread-safe: each connection's state is guarded by its own {@link ReentrantLock}, which a gap
 * fill holds while it reads history (to keep the connection's order); no monitor is held across a
 * store read, and other connections are not held up.
 */
final class SentToConnections {
    private final Supplier<ChatService> chat;
    private final Map<ConnectionId, Sent> byConnection = new ConcurrentHashMap<>();

    SentToConnections(Supplier<ChatService> chat) {
        this.chat = chat;
    }

    private static final class Sent {
        final ReentrantLock lock = new ReentrantLock();
        /** Guarded by {@code lock}. */
        final Map<SessionId, Mark> sessions = new HashMap<>();
    }

    /** One session as one connection has it: the messages (a cursor) and the newest version pushed. */
    private static final class Mark {
        final ReplayCursor messages;
        long version;

        Mark(ReplayCursor messages, long version) {
            this.messages = messages;
            this.version = version;
        }
    }

    private Sent sent(ClientContext c) {
        return byConnection.computeIfAbsent(c.connection(), k -> new Sent());
    }

    private Mark mark(ClientContext c, SessionId id, long seen, long version) {
        return new Mark(chat.get().cursor(id, c.user(), seen), version);
    }

    /** The connection is gone. */
    void forget(ConnectionId connection) {
        byConnection.remove(connection);
    }

    /** {@code c} attached and was listed {@code views}: it has each up to its top, unless already known. */
    void attached(ClientContext c, List<SessionView> views) {
        Sent sent = sent(c);
        sent.lock.lock();
        try {
            for (SessionView v : views) {
                sent.sessions.computeIfAbsent(v.session().id(), id -> mark(c, id, v.top(), v.session().version()));
            }
        } finally {
            sent.lock.unlock();
        }
    }

    /** From now on {@code c} has {@code id} up to {@code top} (its resume point, or what it reloads itself). */
    void restart(ClientContext c, SessionId id, long top) {
        Mark mark = mark(c, id, top, 0);
        Sent sent = sent(c);
        sent.lock.lock();
        try {
            sent.sessions.put(id, mark);
        } finally {
            sent.lock.unlock();
        }
    }

    /** {@code c} was shown version {@code version} of {@code id} (if it follows {@code id}). */
    void versionShown(ClientContext c, SessionId id, long version) {
        Sent sent = sent(c);
        sent.lock.lock();
        try {
            Mark mark = sent.sessions.get(id);
            if (mark != null) {
                mark.version = Math.max(mark.version, version);
            }
        } finally {
            sent.lock.unlock();
        }
    }

    /** Whether {@code c} has not been shown {@code s}'s version yet; if so it counts as shown now. */
    boolean newVersion(ClientContext c, ChatSession s) {
        Sent sent = sent(c);
        sent.lock.lock();
        try {
            Mark mark = sent.sessions.get(s.id());
            if (mark == null) {
                sent.sessions.put(s.id(), mark(c, s.id(), 0, s.version()));
            } else if (mark.version >= s.version()) {
                return false;
            } else {
                mark.version = s.version();
            }
            return true;
        } finally {
            sent.lock.unlock();
        }
    }

    /**
     * Sends {@code m} to {@code c} unless it already has it; if {@code m} is ahead of what {@code c}
     * has, sends the missing range from history first (or {@code chat.resync} if history cannot fill
     * it). Serialised per connection.
     */
    void message(ClientContext c, ChatMessage m, boolean replayed) {
        Sent sent = sent(c);
        sent.lock.lock();
        try {
            Mark mark = sent.sessions.get(m.session());
            if (mark == null) {
                // First message of a session this connection learned of after attaching (a new
                // session): anything earlier is in history and the client loads it on demand.
                sent.sessions.put(m.session(), mark(c, m.session(), m.sequence(), 0));
                c.push("chat.message", ChatFrames.messageFields(m, replayed));
                return;
            }
            ReplayCursor cursor = mark.messages;
            ReplayCursor.Offer offer = cursor.offer(m.sequence());
            if (offer == ReplayCursor.Offer.SEEN) {
                return; // already sent
            }
            if (offer == ReplayCursor.Offer.GAP) {
                while (cursor.hasNext()) {
                    for (ChatMessage earlier : cursor.nextPage()) {
                        c.push("chat.message", ChatFrames.messageFields(earlier, true));
                    }
                }
                if (!cursor.complete()) {
                    c.push("chat.resync", c.newObject().put("session", m.session().value()).put("top", m.sequence()));
                }
            }
            c.push("chat.message", ChatFrames.messageFields(m, replayed));
            cursor.advanceTo(m.sequence());
        } finally {
            sent.lock.unlock();
        }
    }
}
