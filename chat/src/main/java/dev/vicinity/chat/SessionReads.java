package dev.vicinity.chat;

import dev.vicinity.chat.spi.HistoryBounds;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a user may read and from where: session listings, unread counts, resume decisions and the
 * {@link ReplayCursor}s that page history. Store reads only; holds no state. Thread-safe.
 */
final class SessionReads {
    private final ChatConfig cfg;
    private final Visibility visibility;

    SessionReads(ChatConfig cfg, Visibility visibility) {
        this.cfg = cfg;
        this.visibility = visibility;
    }

    /** See {@link ChatService#openSessions}. */
    List<SessionView> openSessions(UserId user, int offset, int limit) {
        Objects.requireNonNull(user, "user");
        if (offset < 0 || limit < 1) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "offset must be >= 0 and limit >= 1");
        }
        List<SessionView> views = new ArrayList<>();
        int index = 0;
        for (ChatSession s : LocalFanOut.ordered(cfg.sessions().openSessionsOf(user))) {
            Participant p = s.participant(user).orElse(null);
            if (p == null || visibility.hiddenFrom(s, user)) {
                continue;
            }
            if (index++ < offset) {
                continue;
            }
            if (views.size() == limit) {
                break;
            }
            views.add(LocalFanOut.view(s, p, cfg.messages().bounds(s.id()).top()));
        }
        return List.copyOf(views);
    }

    /** See {@link ChatService#unread}. */
    OptionalLong unread(SessionId id, UserId user) {
        ChatSession s = cfg.sessions().find(id).orElse(null);
        Participant p = s == null ? null : s.participant(user).orElse(null);
        if (p == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, cfg.messages().bounds(id).top() - p.lastRead()));
    }

    /** See {@link ChatService#resume}. */
    ChatResume resume(SessionId id, UserId user, long lastSequence) {
        Objects.requireNonNull(id, "session");
        Objects.requireNonNull(user, "user");
        if (lastSequence < 0) {
            throw new InvalidInputException(ChatErrors.INVALID_SEQUENCE, "lastSequence must be >= 0");
        }
        ChatSession s = cfg.sessions().find(id).orElse(null);
        if (s == null) {
            return new ChatResume.Refused(id, ChatErrors.UNKNOWN_SESSION, "no session " + id);
        }
        Participant p = s.participant(user).orElse(null);
        if (p == null) {
            return new ChatResume.Refused(id, ChatErrors.NOT_PARTICIPANT, "not a participant");
        }
        if (p.state() != MemberState.JOINED) {
            return new ChatResume.Refused(id, ChatErrors.NOT_JOINED, "member is " + p.state());
        }
        HistoryBounds b = cfg.messages().bounds(id);
        if (!b.canReplayAfter(lastSequence)) {
            cfg.listener().onMessagesReplayed(id, 0, false);
            return new ChatResume.Reload(id, b.top(), b.oldestRetained());
        }
        return new ChatResume.Recovered(id, lastSequence, b.top(), cursor(id, user, lastSequence, b.top()));
    }

    /** See {@link ChatService#cursor}. */
    ReplayCursor cursor(SessionId id, UserId user, long seen) {
        Objects.requireNonNull(id, "session");
        Objects.requireNonNull(user, "user");
        if (seen < 0) {
            throw new InvalidInputException(ChatErrors.INVALID_SEQUENCE, "seen must be >= 0");
        }
        return cursor(id, user, seen, seen);
    }

    private ReplayCursor cursor(SessionId id, UserId user, long after, long end) {
        return new ReplayCursor(cfg.sessions(), cfg.messages(), cfg.listener(), id, user, after, end,
                cfg.replayPageSize());
    }
}
