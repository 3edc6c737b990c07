package dev.vicinity.client;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** A message of the outbox. Touched on the client's scheduler thread only. */
final class Outgoing {
    final String clientId;
    final String session;
    final String text;
    final CompletableFuture<SendResult> result;
    OutboxEntry.State state = OutboxEntry.State.PENDING;
    int attempts;
    int failures;
    long notBefore;
    @Nullable Long seq;
    boolean duplicate;
    @Nullable VicinityClientException error;

    Outgoing(String clientId, String session, String text, CompletableFuture<SendResult> result) {
        this.clientId = clientId;
        this.session = session;
        this.text = text;
        this.result = result;
    }

    OutboxEntry snapshot() {
        return new OutboxEntry(clientId, session, text, state, attempts, seq, duplicate, error);
    }
}
