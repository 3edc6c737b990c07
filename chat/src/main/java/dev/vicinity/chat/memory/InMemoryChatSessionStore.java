package dev.vicinity.chat.memory;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.Participant;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ChatSessionStore} in one process: the reference backend for tests and single-node hosts.
 *
 * <p>Writes ({@link #insert}, {@link #compareAndSet}) take one store-wide lock, which keeps the
 * by-user and by-deadline indexes consistent with the sessions; {@link #find} is lock-free (a
 * concurrent map read of an immutable value). {@link #openSessionsOf} is O(sessions of the user),
 * {@link #due} is O(log n + limit). Memory is proportional to the sessions stored; nothing expires
 * by itself (terminal sessions stay readable, as rating needs them).
 */
public final class InMemoryChatSessionStore implements ChatSessionStore {
    private final Map<SessionId, ChatSession> byId = new ConcurrentHashMap<>();
    private final Map<UserId, Set<SessionId>> openByUser = new HashMap<>();
    private final NavigableSet<Due> byDeadline = new TreeSet<>();
    private final Object lock = new Object();

    private record Due(Instant at, SessionId id) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }

    @Override
    public boolean insert(ChatSession session) {
        Objects.requireNonNull(session, "session");
        synchronized (lock) {
            if (byId.putIfAbsent(session.id(), session) != null) {
                return false;
            }
            index(session);
            return true;
        }
    }

    @Override
    public Optional<ChatSession> find(SessionId id) {
        return Optional.ofNullable(byId.get(Objects.requireNonNull(id, "id")));
    }

    @Override
    public boolean compareAndSet(long expectedVersion, ChatSession updated) {
        Objects.requireNonNull(updated, "updated");
        if (updated.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("updated.version must be expectedVersion + 1, got "
                    + updated.version() + " for " + expectedVersion);
        }
        synchronized (lock) {
            ChatSession current = byId.get(updated.id());
            if (current == null || current.version() != expectedVersion) {
                return false;
            }
            unindex(current);
            byId.put(updated.id(), updated);
            index(updated);
            return true;
        }
    }

    @Override
    public List<ChatSession> openSessionsOf(UserId user) {
        Objects.requireNonNull(user, "user");
        synchronized (lock) {
            Set<SessionId> ids = openByUser.get(user);
            if (ids == null) {
                return List.of();
            }
            List<ChatSession> out = new ArrayList<>(ids.size());
            for (SessionId id : ids) {
                out.add(byId.get(id));
            }
            return List.copyOf(out);
        }
    }

    @Override
    public List<SessionId> due(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1");
        }
        synchronized (lock) {
            List<SessionId> out = new ArrayList<>();
            for (Due d : byDeadline) {
                if (d.at.isAfter(now) || out.size() >= limit) {
                    break;
                }
                out.add(d.id);
            }
            return List.copyOf(out);
        }
    }

    /** Number of stored sessions (tests, gauges). */
    public int size() {
        return byId.size();
    }

    private void index(ChatSession s) {
        if (!s.state().isTerminal()) {
            for (Participant p : s.participants()) {
                openByUser.computeIfAbsent(p.user(), u -> new HashSet<>()).add(s.id());
            }
        }
        if (s.timeoutAt() != null) {
            byDeadline.add(new Due(s.timeoutAt(), s.id()));
        }
    }

    private void unindex(ChatSession s) {
        for (Participant p : s.participants()) {
            Set<SessionId> ids = openByUser.get(p.user());
            if (ids != null && ids.remove(s.id()) && ids.isEmpty()) {
                openByUser.remove(p.user());
            }
        }
        if (s.timeoutAt() != null) {
            byDeadline.remove(new Due(s.timeoutAt(), s.id()));
        }
    }
}
