package dev.vicinity.chat.memory;

import dev.vicinity.chat.ChatEvent;
import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.ChatRecipients;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.UserId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** One node's connections in chat tests: records every event handed to every connection. */
final class ChatRecorder implements ChatRecipients {
    private final String node;
    private final AtomicInteger seq = new AtomicInteger();
    private final Map<UserId, List<ConnectionId>> byUser = new ConcurrentHashMap<>();
    private final Map<ConnectionId, List<ChatEvent>> events = new ConcurrentHashMap<>();
    private final Map<ConnectionId, UserId> owner = new ConcurrentHashMap<>();

    ChatRecorder(String node) {
        this.node = node;
    }

    ConnectionId connect(UserId user) {
        ConnectionId c = ConnectionId.of(node + "-" + user.value() + "-" + seq.incrementAndGet());
        events.put(c, new CopyOnWriteArrayList<>());
        owner.put(c, user);
        byUser.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>()).add(c);
        return c;
    }

    void disconnect(ConnectionId c) {
        UserId u = owner.get(c);
        if (u != null) {
            byUser.getOrDefault(u, new ArrayList<>()).remove(c);
        }
    }

    @Override
    public Collection<ConnectionId> localConnections(UserId user) {
        List<ConnectionId> cs = byUser.get(user);
        return cs == null ? List.of() : cs;
    }

    @Override
    public void deliver(ConnectionId connection, ChatEvent event) {
        List<ChatEvent> list = events.get(connection);
        if (list == null) {
            throw new AssertionError("delivery to unknown connection " + connection);
        }
        list.add(event);
    }

    List<ChatEvent> events(ConnectionId c) {
        return List.copyOf(events.get(c));
    }

    /** Messages delivered to {@code c}, in delivery order. */
    List<ChatMessage> messages(ConnectionId c) {
        List<ChatMessage> out = new ArrayList<>();
        for (ChatEvent e : events.get(c)) {
            if (e instanceof ChatEvent.NewMessage m) {
                out.add(m.message());
            }
        }
        return out;
    }

    /** Sequences delivered to {@code c}, in delivery order. */
    List<Long> sequences(ConnectionId c) {
        return messages(c).stream().map(ChatMessage::sequence).toList();
    }

    /** Every message delivered to any connection of {@code user} on this node. */
    List<ChatMessage> messagesTo(UserId user) {
        List<ChatMessage> out = new ArrayList<>();
        owner.forEach((c, u) -> {
            if (u.equals(user)) {
                out.addAll(messages(c));
            }
        });
        return out;
    }

    <T extends ChatEvent> List<T> eventsOf(ConnectionId c, Class<T> type) {
        return events.get(c).stream().filter(type::isInstance).map(type::cast).toList();
    }
}
