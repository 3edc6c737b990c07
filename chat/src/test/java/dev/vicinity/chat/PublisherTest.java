package dev.vicinity.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.internal.BusCodec;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.memory.InMemoryEventBus;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A message published and received on one thread reaches receivers as the object itself; anything else is decoded. */
class PublisherTest {
    private final SessionId session = SessionId.of("0198f1c2-aaaa-7bbb-8ccc-0123456789ab");
    private final ChatMessage m = new ChatMessage(session, 3, UserId.of("alice"), MessageId.of("c-1"), "hi",
            Instant.parse("2026-12-07T00:00:00.5Z"));

    @Test
    void aMessageDeliveredWhilePublishedOnThisThreadIsHandedOverAndOtherPayloadsAreDecoded() throws Exception {
        InMemoryEventBus bus = new InMemoryEventBus();
        Publisher publisher = new Publisher(bus);
        List<ChatMessage> received = new CopyOnWriteArrayList<>();
        List<ChatMessage> otherSession = new CopyOnWriteArrayList<>();
        bus.subscribe("t", (topic, payload) -> {
            received.add(publisher.decodeMessage(session, payload));
            otherSession.add(publisher.decodeMessage(SessionId.of("0198f1c2-bbbb-7bbb-8ccc-0123456789ab"), payload));
        });

        publisher.publishMessage("t", 7, m);
        publisher.publish("t", BusCodec.message(7, m)); // the same bytes, not the payload being published
        Thread other = new Thread(() -> publisher.publish("t", BusCodec.message(7, m)));
        other.start();
        other.join();

        assertThat(received).hasSize(3).allMatch(m::equals);
        assertThat(received.get(0)).isSameAs(m);
        assertThat(received.get(1)).isNotSameAs(m);
        assertThat(received.get(2)).isNotSameAs(m);
        assertThat(otherSession).noneMatch(x -> x == m);
        // Nothing is kept once the publish returned.
        assertThat(publisher.decodeMessage(session, BusCodec.message(7, m))).isNotSameAs(m).isEqualTo(m);
    }

    @Test
    void aTextTheBusCannotCarryUnchangedIsDecodedAsOtherNodesSeeIt() {
        InMemoryEventBus bus = new InMemoryEventBus();
        Publisher publisher = new Publisher(bus);
        List<ChatMessage> received = new CopyOnWriteArrayList<>();
        bus.subscribe("t", (topic, payload) -> received.add(publisher.decodeMessage(session, payload)));
        ChatMessage lone = new ChatMessage(session, 4, UserId.of("alice"), MessageId.of("c-2"), "a\ud800b",
                Instant.parse("2026-12-07T00:00:00Z"));
        publisher.publishMessage("t", 7, lone);
        assertThat(received).singleElement().satisfies(x -> {
            assertThat(x).isNotSameAs(lone);
            assertThat(x.text()).isEqualTo("a?b");
        });
    }
}
