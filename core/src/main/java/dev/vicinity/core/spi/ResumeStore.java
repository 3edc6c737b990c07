package dev.vicinity.core.spi;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Resume tokens shared by every node, so a client may resume on any node of a deployment. A token is
 * single use: {@link #take} removes it atomically, so of two concurrent resumes with the same token
 * exactly one succeeds. Times come from the caller's clock. Implementations are thread-safe.
 */
public interface ResumeStore {

    /** Stores (or replaces) {@code token} until {@code expiresAt}. */
    void put(String token, Ticket ticket, Instant expiresAt);

    /** Removes and returns the ticket of {@code token} if it exists and has not expired at {@code now}. */
    Optional<Ticket> take(String token, Instant now);

    /** Forgets {@code token} (idempotent). */
    void remove(String token);

    /**
     * What a resume token stands for.
     *
     * @param connection the connection that was issued the token
     * @param user its user
     * @param device its device
     * @param node the node that served it
     * @param generation its presence lease generation when the token was issued
     */
    record Ticket(ConnectionId connection, UserId user, DeviceId device, NodeId node, long generation) {
        /**
         * Checks that {@code connection}, {@code user}, {@code device}, {@code node} are not null.
         * @throws NullPointerException if a required component is null
         */
        public Ticket {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(node, "node");
        }
    }
}
