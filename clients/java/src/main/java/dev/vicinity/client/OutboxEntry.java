package dev.vicinity.client;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a message in the outbox.
 *
 * @param attempts  how many times it was put on the wire
 * @param seq       the server's sequence once {@code ACKED}, else null
 * @param duplicate once acked: true when an earlier attempt had already been stored
 * @param error     once {@code FAILED}: why, else null
 */
public record OutboxEntry(String clientId, String session, String text, State state, int attempts, @Nullable Long seq,
                          boolean duplicate, @Nullable VicinityClientException error) {
    /** {@code PENDING}: waiting for a connection or a retry; {@code SENDING}; {@code ACKED}; {@code FAILED}. */
    public enum State {
        /** Waiting for a connection or for a retry. */
        PENDING,
        /** On the wire, waiting for the answer. */
        SENDING,
        /** Stored by the server. */
        ACKED,
        /** Given up; see {@code error}. */
        FAILED
    }
}
