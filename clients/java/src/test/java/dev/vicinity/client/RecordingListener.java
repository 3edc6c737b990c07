package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A listener that keeps everything a {@link VicinityClient} reported, in order: states, messages,
 * session shapes, the other pushes, outbox changes, errors (shipped in vicinity-client's test jar).
 * Thread-safe.
 */
public class RecordingListener implements VicinityClientListener {
    public final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    public final List<ChatMessage> messages = new CopyOnWriteArrayList<>();
    public final List<JsonNode> sessions = new CopyOnWriteArrayList<>();
    public final List<ServerPush> pushes = new CopyOnWriteArrayList<>();
    public final List<OutboxEntry> outbox = new CopyOnWriteArrayList<>();
    public final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @Override
    public void onState(ConnectionState s) {
        states.add(s);
    }

    @Override
    public void onMessage(ChatMessage m) {
        messages.add(m);
    }

    @Override
    public void onSession(String session, JsonNode shape, String gone) {
        if (shape != null) {
            sessions.add(shape);
        }
    }

    @Override
    public void onTyping(ServerPush.Typing push) {
        pushes.add(push);
    }

    @Override
    public void onRead(ServerPush.Read push) {
        pushes.add(push);
    }

    @Override
    public void onPresence(ServerPush.Presence push) {
        pushes.add(push);
    }

    @Override
    public void onRatingRevealed(ServerPush.RatingRevealed push) {
        pushes.add(push);
    }

    @Override
    public void onOutbox(OutboxEntry entry) {
        outbox.add(entry);
    }

    @Override
    public void onError(Throwable error) {
        errors.add(error);
    }

    /** The texts of the messages delivered so far, in delivery order. */
    public List<String> texts() {
        return messages.stream().map(ChatMessage::text).toList();
    }

    /** The outbox changes of one message, in order. */
    public List<OutboxEntry> outboxOf(String clientId) {
        return outbox.stream().filter(e -> e.clientId().equals(clientId)).toList();
    }
}
