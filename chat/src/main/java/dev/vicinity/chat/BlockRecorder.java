package dev.vicinity.chat;

import dev.vicinity.core.UserId;

/**
 * Where {@link ChatService#block} records a block so that other modules (geo's block list, which
 * hides both users from each other's matches) see it. Chat cannot depend on geo; the host, or the
 * backend's block list, implements this interface.
 *
 * <p>Must be idempotent and thread-safe. If it throws, the block is not applied to the session and
 * the exception propagates, so a session never ends as {@code blocked} without the block recorded.
 */
@FunctionalInterface
public interface BlockRecorder {

    /** Ignores blocks (for hosts that do not use matching). */
    BlockRecorder NONE = (blocker, blocked) -> {};

    /** Records that {@code blocker} blocked {@code blocked}. */
    void record(UserId blocker, UserId blocked);
}
