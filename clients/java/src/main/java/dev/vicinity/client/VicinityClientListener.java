package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link VicinityClient} reports. Every method has an empty default. Called on the client's
 * scheduler thread, one call at a time; a listener that throws is logged and reported to
 * {@link #onError} (an exception from {@code onError} itself is only logged) and never breaks the client.
 * Do not block in a listener (it holds up the client).
 */
public interface VicinityClientListener {
    /** A listener that ignores everything; extend it, or implement only the callbacks you need. */
    VicinityClientListener NO_OP = new VicinityClientListener() {};

    /** The connection state changed (connecting, connected, reconnecting, stopped). */
    default void onState(ConnectionState state) {}

    /** A chat message, once and in order per session. */
    default void onMessage(ChatMessage message) {}

    /**
     * A session's newer shape (the session fields of a {@code chat.session} push or answer), each
     * version once; or, when {@code gone} is not null, the session cannot be resumed by this user
     * ({@code unknown_session}, {@code not_participant}, {@code not_joined}).
     */
    default void onSession(String session, @Nullable JsonNode shape, @Nullable String gone) {}

    /** A {@code chat.typing} push. */
    default void onTyping(ServerPush.Typing typing) {}

    /** A {@code chat.read} push (a read receipt of another participant). */
    default void onRead(ServerPush.Read read) {}

    /** A {@code chat.presence} push (a participant went away or came back). */
    default void onPresence(ServerPush.Presence presence) {}

    /** A {@code rating.revealed} push. */
    default void onRatingRevealed(ServerPush.RatingRevealed revealed) {}

    /** A change of an outbox entry. */
    default void onOutbox(OutboxEntry entry) {}

    /** Messages that history no longer holds. */
    default void onGap(GapEvent gap) {}

    /** Errors that belong to no request: an {@code error} frame without {@code re}, an unreadable frame, a throwing listener. */
    default void onError(Throwable error) {}
}
