package dev.vicinity.chat;

import java.util.Objects;

/**
 * What a client needs about one of its sessions on attach.
 *
 * @param session the stored session
 * @param top current top sequence (0 when no message exists yet)
 * @param lastRead the user's read marker
 * @param unread {@code top - lastRead}, never negative
 */
public record SessionView(ChatSession session, long top, long lastRead, long unread) {
    /**
     * Checks that {@code session} is not null.
     * @throws NullPointerException if a required component is null
     */
    public SessionView {
        Objects.requireNonNull(session, "session");
    }
}
