package dev.vicinity.chat.memory;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records chat listener events as short strings, e.g. {@code changed invited->active}. */
final class ChatRecordingListener implements VicinityListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Long> latencies = new CopyOnWriteArrayList<>();

    @Override
    public void onChatSessionChanged(SessionId session, String previous, String current, String reason) {
        events.add("changed " + previous + "->" + current + (reason == null ? "" : " " + reason));
    }

    @Override
    public void onMessageStored(SessionId session, long sequence) {
        events.add("stored " + sequence);
    }

    @Override
    public void onMessageRejected(SessionId session, UserId sender, String code) {
        events.add("rejected " + code);
    }

    @Override
    public void onMessageDelivered(SessionId session, long sequence, int recipients, long latencyNanos) {
        events.add("delivered " + sequence + " to " + recipients);
        latencies.add(latencyNanos);
    }

    @Override
    public void onMessagesReplayed(SessionId session, int count, boolean recovered) {
        events.add("replayed " + count + " " + recovered);
    }

    List<String> startingWith(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).toList();
    }
}
