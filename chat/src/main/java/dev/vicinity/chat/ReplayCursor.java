package dev.vicinity.chat;

import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import java.util.List;

/**
 * Hands out a recovered range of history page by page, so replaying any number of missed messages
 * holds at most one page in memory. Each page re-checks that the user is still joined (a member who
 * left mid-replay gets nothing more) and that history still holds the range (if it was trimmed
 * meanwhile, the cursor stops with {@link #truncated()} true and the client must reload).
 *
 * <p>Not thread-safe: one cursor belongs to one resuming connection. Each page costs one session
 * read and one history range read of at most the configured page size.
 */
public final class ReplayCursor {
    private final ChatSessionStore sessions;
    private final MessageStore messages;
    private final VicinityListener listener;
    private final SessionId session;
    private final UserId user;
    private final long end;
    private final int pageSize;
    private long position;
    private boolean stopped;
    private boolean truncated;

    ReplayCursor(ChatSessionStore sessions, MessageStore messages, VicinityListener listener, SessionId session,
            UserId user, long after, long end, int pageSize) {
        this.sessions = sessions;
        this.messages = messages;
        this.listener = listener;
        this.session = session;
        this.user = user;
        this.position = after;
        this.end = end;
        this.pageSize = pageSize;
    }

    /** True while pages remain (and the cursor was not stopped). */
    public boolean hasNext() {
        return !stopped && position < end;
    }

    /** The last sequence handed out so far (the resume's last sequence before the first page). */
    public long position() {
        return position;
    }

    /** The top sequence this cursor replays up to. */
    public long end() {
        return end;
    }

    /** True if the cursor stopped because history was trimmed under it: the client must reload. */
    public boolean truncated() {
        return truncated;
    }

    /**
     * The next page: consecutive messages starting at {@link #position()} + 1, at most the page size,
     * never beyond {@link #end()}. Empty when done, when the user is no longer joined, or when
     * history was trimmed ({@link #truncated()}).
     */
    public List<ChatMessage> nextPage() {
        if (!hasNext()) {
            return List.of();
        }
        ChatSession s = sessions.find(session).orElse(null);
        if (s == null || !s.isJoined(user)) {
            stopped = true;
            return List.of();
        }
        int limit = (int) Math.min(pageSize, end - position);
        List<ChatMessage> page = messages.range(session, position, limit);
        if (page.isEmpty() || page.get(0).sequence() != position + 1) {
            stopped = true;
            truncated = true;
            listener.onMessagesReplayed(session, 0, false);
            return List.of();
        }
        position = page.get(page.size() - 1).sequence();
        listener.onMessagesReplayed(session, page.size(), true);
        return page;
    }
}
