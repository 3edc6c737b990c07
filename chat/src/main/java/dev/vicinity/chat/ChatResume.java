package dev.vicinity.chat;

import dev.vicinity.core.SessionId;
import java.util.Objects;

/**
 * Outcome of {@link ChatService#resume}: the missing range can be replayed from history
 * ({@code recovered: true}), or it cannot and the client must reload ({@code recovered: false}),
 * or the user may not read the session.
 */
public sealed interface ChatResume {

    /** The session. */
    SessionId session();

    /** True only for {@link Recovered}. */
    default boolean recovered() {
        return this instanceof Recovered;
    }

    /**
     * Everything after {@code lastSequence} up to {@code top} is in history; {@code replay} hands it
     * out in bounded pages. Messages stored after {@code top} arrive live (the client drops duplicates
     * by sequence).
     */
    record Recovered(SessionId session, long lastSequence, long top, ReplayCursor replay) implements ChatResume {
        /**
         * Checks that {@code session}, {@code replay} are not null.
         * @throws NullPointerException if a required component is null
         */
        public Recovered {
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(replay, "replay");
        }
    }

    /**
     * History no longer holds the range after the client's last sequence (trimmed), or the client's
     * sequence is ahead of the server's: the client must reload the session. {@code oldestRetained} is
     * the first sequence still available.
     */
    record Reload(SessionId session, long top, long oldestRetained) implements ChatResume {}

    /** The user may not read this session; {@code code} is from {@link ChatErrors}. */
    record Refused(SessionId session, String code, String reason) implements ChatResume {}
}
