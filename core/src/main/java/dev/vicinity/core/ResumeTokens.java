package dev.vicinity.core;

import dev.vicinity.core.spi.ResumeStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resume tokens of a {@link ConnectionRegistry}: generation and the calls to the shared
 * {@link ResumeStore}. Writes happen under the connection's lock (see the registry's locking notes);
 * takes and removals outside it. Thread-safe. Not API.
 */
final class ResumeTokens {
    private static final Logger LOG = LoggerFactory.getLogger(ResumeTokens.class);

    private final ResumeStore store;
    private final NodeId node;
    private final SecureRandom random = new SecureRandom();
    /** Connections closed on this node, until their last token could have expired (see {@link #closedHere}). */
    private final Map<ConnectionId, Instant> closed = new ConcurrentHashMap<>();

    ResumeTokens(ResumeStore store, NodeId node) {
        this.store = store;
        this.node = node;
    }

    /** A fresh unguessable token (24 random bytes, URL-safe base64). */
    String newToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Stores the entry's current token (if any) until {@code expiresAt}; call with the entry's lock held. */
    void store(ConnectionEntry e, Instant expiresAt) {
        if (e.token == null) {
            return;
        }
        // a token exists only while the connection is authenticated: user, device and lease are set
        store.put(e.token, new ResumeStore.Ticket(e.id, Objects.requireNonNull(e.user), Objects.requireNonNull(e.device),
                node, Objects.requireNonNull(e.lease).generation()), expiresAt);
    }

    /** Spends {@code token}: its ticket if it existed and had not expired at {@code now}. */
    Optional<ResumeStore.Ticket> take(String token, Instant now) {
        return token == null || token.isEmpty() ? Optional.empty() : store.take(token, now);
    }

    /** Forgets {@code token}; a failure is logged (the token expires by itself). */
    void remove(String token) {
        try {
            store.remove(token);
        } catch (RuntimeException ex) {
            // A stale token can only be refused: its connection is gone.
            LOG.warn("could not remove a resume token; it will expire", ex);
        }
    }

    /** Remembers that {@code id} was closed for good on this node, until {@code until}. */
    void closed(ConnectionId id, Instant until) {
        closed.put(id, until);
    }

    /**
     * Whether {@code id} was closed for good on this node (and its tokens could still be live): a resume
     * that took such a token in a race with the close must be refused, never re-opened "from elsewhere".
     */
    boolean closedHere(ConnectionId id) {
        return closed.containsKey(id);
    }

    /** Forgets closes whose tokens have all expired by {@code now}. */
    void purgeClosed(Instant now) {
        closed.values().removeIf(until -> !now.isBefore(until));
    }
}
