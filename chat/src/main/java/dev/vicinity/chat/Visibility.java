package dev.vicinity.chat;

import dev.vicinity.core.UserId;
import org.jspecify.annotations.Nullable;

/**
 * What a viewer may see of a session, given who blocked whom: hidden invites and the end reason
 * shown. One {@link BlockCheck} call per question at most. Stateless and thread-safe.
 */
final class Visibility {
    private final BlockCheck blockCheck;

    Visibility(BlockCheck blockCheck) {
        this.blockCheck = blockCheck;
    }

    /** See {@link ChatService#hiddenFrom}. */
    boolean hiddenFrom(ChatSession s, UserId viewer) {
        if (s.inviter().equals(viewer)) {
            return false;
        }
        Participant p = s.participant(viewer).orElse(null);
        boolean neverJoined = p != null && (p.state() == MemberState.INVITED
                || (p.state() == MemberState.LEFT && s.activatedAt() == null));
        return neverJoined && blockCheck.blocks(viewer, s.inviter());
    }

    /** See {@link ChatService#endReasonShownTo}. */
    @Nullable EndReason endReasonShownTo(ChatSession s, UserId viewer) {
        EndReason r = s.endReason();
        if (r != EndReason.BLOCKED) {
            return r;
        }
        for (Participant p : s.participants()) {
            if (!p.user().equals(viewer) && blockCheck.blocks(viewer, p.user())) {
                return r;
            }
        }
        return EndReason.LEFT;
    }

    /** Whether {@code blocker} blocked {@code blocked}. */
    boolean blocks(UserId blocker, UserId blocked) {
        return blockCheck.blocks(blocker, blocked);
    }
}
