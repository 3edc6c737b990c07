package dev.vicinity.chat;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.UserId;
import java.util.Collection;

/**
 * The host's (gateway's) view of this node's connections, as far as chat delivery needs it. Chat
 * does not know the transport: it asks which local connections a user has and hands each one event.
 *
 * <p>Both methods are called on the chat service's delivery threads (see
 * {@link ChatService.Builder#deliveryExecutor}) and on request threads, often concurrently, and must
 * be fast and thread-safe; do not write to a socket synchronously. Events of one session arrive one at
 * a time, in order.
 * Register a connection here <em>before</em> calling {@link ChatService#resume}, so that nothing
 * stored after the resume's top can be missed.
 */
public interface ChatRecipients {

    /** Live connections of {@code user} on this node (empty if none). Must not return null. */
    Collection<ConnectionId> localConnections(UserId user);

    /** Hands {@code event} to {@code connection}; must not block and must tolerate a closed connection. */
    void deliver(ConnectionId connection, ChatEvent event);

    /**
     * Hands {@code event} to every live connection of {@code user} on this node and returns how many
     * it reached. The default calls {@link #deliver} for each of {@link #localConnections}; a host that
     * holds its connections by user can override it to skip the ids (chat calls this for every
     * recipient of every message).
     */
    default int deliverToUser(UserId user, ChatEvent event) {
        int n = 0;
        for (ConnectionId c : localConnections(user)) {
            deliver(c, event);
            n++;
        }
        return n;
    }
}
