package dev.vicinity.chat;

import dev.vicinity.core.UserId;

/**
 * Tells chat who blocked whom, so blocks hold on every chat path: an invite from a user the invitee
 * blocked never reaches the invitee (it stays pending for the inviter and expires like an ignored
 * invite, so the blocked user learns nothing), a user cannot invite someone they blocked
 * ({@code user_blocked}), and a session ended by a block reads as {@code left} to the blocked user.
 * Chat cannot depend on geo; the host wires it to the block list, e.g.
 * {@code (a, b) -> blockList.blocking(a).contains(b)}. Implementations must be thread-safe and fast
 * (called on invite, accept and when a pending invite or a block-ended session is shown).
 */
@FunctionalInterface
public interface BlockCheck {
    /** No blocks at all. */
    BlockCheck NONE = (blocker, blocked) -> false;

    /** Whether {@code blocker} has blocked {@code blocked} (one direction). */
    boolean blocks(UserId blocker, UserId blocked);
}
