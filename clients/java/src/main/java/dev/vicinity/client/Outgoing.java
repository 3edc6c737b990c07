package dev.vicinity.client;

import java.util.concurrent.CompletableFuture;

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
    Long seq;
    boolean duplicate;
    VicinityClientException error;

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
