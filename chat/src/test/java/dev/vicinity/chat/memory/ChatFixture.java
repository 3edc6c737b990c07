package dev.vicinity.chat.memory;

import dev.vicinity.core.memory.InMemoryEventBus;

import dev.vicinity.chat.BlockRecorder;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.UserId;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.MutableClock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * Shared stores, one in-memory bus and a mutable clock; {@link #node} builds one {@link ChatService}
 * per simulated node, each with its own {@link ChatRecorder}.
 */
final class ChatFixture {
    final MutableClock clock = new MutableClock();
    final InMemoryChatSessionStore sessions = new InMemoryChatSessionStore();
    final InMemoryMessageStore messageStore = new InMemoryMessageStore();
    final InMemoryEventBus bus = new InMemoryEventBus(clock);
    final ChatRecordingListener listener = new ChatRecordingListener();
    /** Blocks recorded through {@link BlockRecorder}, as "blocker>blocked". */
    final List<String> blocks = new CopyOnWriteArrayList<>();
    final BlockRecorder blockRecorder = (a, b) -> blocks.add(a.value() + ">" + b.value());

    static final UserId ALICE = UserId.of("alice");
    static final UserId BOB = UserId.of("bob");
    static final UserId CAROL = UserId.of("carol");

    record Node(ChatService chat, ChatRecorder conns) {}

    Node node(String name) {
        return node(name, b -> b, sessions, messageStore, bus);
    }

    Node node(String name, UnaryOperator<ChatService.Builder> options) {
        return node(name, options, sessions, messageStore, bus);
    }

    Node node(String name, UnaryOperator<ChatService.Builder> options, ChatSessionStore s, MessageStore m,
            EventBus b) {
        ChatRecorder rec = new ChatRecorder(name);
        ChatService.Builder builder = ChatService.builder(s, m, b, rec).clock(clock).listener(listener)
                .blockRecorder(blockRecorder).unlimitedInvites();
        if (!(b instanceof InMemoryEventBus)) {
            // A wrapped in-memory bus still delivers on the publisher's thread: keep delivery there too,
            // so outcomes are visible when the call returns (the default would hand off to a pool).
            builder.deliveryExecutor(Runnable::run);
        }
        return new Node(options.apply(builder).build(), rec);
    }
}
