package dev.vicinity.chat;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one reader has seen of one session's messages, and what to fetch next: the one place that
 * decides "already seen / next / gap" for a live message and pages missing ranges out of history.
 * Readers are a resuming or reloading client ({@link ChatService#resume}), a connection following a
 * session live ({@link ChatService#cursor}), and each node's own view of a session (gap recovery on
 * the bus).
 *
 * <p>{@link #position()} is the last sequence the reader has, contiguously. Pages run from
 * {@code position + 1} up to {@link #end()}; {@link #offer} moves {@code end} when a live message
 * shows a gap. Replaying any number of missed messages holds at most one page in memory. When the
 * cursor follows a user, each page re-checks that the user is still joined (a member who left gets
 * nothing more). If history no longer holds the range (trimmed), the cursor stops with
 * {@link #truncated()} true and the reader must resync or reload.
 *
 * <p>Not thread-safe: one cursor belongs to one reader, which serialises its calls. Each page costs
 * one history range read of at most the page size, plus one session read when following a user.
 */
public final class ReplayCursor {
    /** Where a live message stands relative to what the reader has. */
    public enum Offer {
        /** At or below {@link #position()}: the reader has it; drop it. */
        SEEN,
        /** Exactly {@link #position()} + 1: deliver it, then {@link #advanceTo} its sequence. */
        NEXT,
        /**
         * Above {@link #position()} + 1: page the missing range with {@link #nextPage()} while
         * {@link #hasNext()}, then deliver the message (and tell the reader to resync if the cursor
         * could not reach {@link #end()}).
         */
        GAP
    }

    private final ChatSessionStore sessions;
    private final MessageStore messages;
    private final VicinityListener listener;
    private final SessionId session;
    private final @Nullable UserId user;
    private final int pageSize;
    private long end;
    private long position;
    private boolean stopped;
    private boolean truncated;

    /** {@code user} null: no membership check (a node's own view; membership is checked per delivery). */
    ReplayCursor(ChatSessionStore sessions, MessageStore messages, VicinityListener listener, SessionId session,
            @Nullable UserId user, long after, long end, int pageSize) {
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

    /** True if the cursor stopped because history was trimmed under it: the reader must reload. */
    public boolean truncated() {
        return truncated;
    }

    /** True if the cursor reached {@link #end()}: nothing between {@link #position()} and it is missing. */
    public boolean complete() {
        return position >= end;
    }

    /**
     * Classifies live message {@code sequence}. On {@link Offer#GAP} the cursor targets
     * {@code sequence - 1} (and restarts if an earlier page stopped it), so {@link #nextPage()} fills
     * the gap. No I/O.
     */
    public Offer offer(long sequence) {
        if (sequence <= position) {
            return Offer.SEEN;
        }
        if (sequence == position + 1) {
            return Offer.NEXT;
        }
        extendTo(sequence - 1);
        return Offer.GAP;
    }

    /** Targets {@code top} (if beyond the current end) and restarts a stopped cursor. No I/O. */
    public void extendTo(long top) {
        end = Math.max(end, top);
        stopped = false;
        truncated = false;
    }

    /**
     * The reader now has everything up to {@code sequence}: it was delivered live, or the reader was
     * told to resync past a range history could not fill. Never moves back. No I/O.
     */
    public void advanceTo(long sequence) {
        position = Math.max(position, sequence);
        end = Math.max(end, position);
    }

    /**
     * The next page: consecutive messages starting at {@link #position()} + 1, at most the page size,
     * never beyond {@link #end()}; the position moves to the page's last sequence. Empty when done,
     * when the followed user is no longer joined, or when history was trimmed ({@link #truncated()}).
     */
    public List<ChatMessage> nextPage() {
        if (!hasNext()) {
            return List.of();
        }
        if (user != null) {
            ChatSession s = sessions.find(session).orElse(null);
            if (s == null || !s.isJoined(user)) {
                stopped = true;
                return List.of();
            }
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
