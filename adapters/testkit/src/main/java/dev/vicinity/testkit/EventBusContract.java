package dev.vicinity.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link EventBus}, run unchanged by every adapter. A binding supplies buses; two buses
 * from {@link #createPeer} must behave as two nodes on the same broker.
 *
 * <p>Delivery may be asynchronous: assertions wait up to {@link #deliveryTimeout()} for expected
 * events, and "nothing arrives" checks wait {@link #quietPeriod()} after a marker event proved the
 * pipe is flowing.
 */
public abstract class EventBusContract {

    /** A fresh bus (connected and healthy). Closed by {@link #release} after each test. */
    protected abstract EventBus create() throws Exception;

    /** A second bus acting as another node on the same broker; defaults to {@code first} itself. */
    protected EventBus createPeer(EventBus first) throws Exception {
        return first;
    }

    /** Closes a bus made by this binding (default: nothing). */
    protected void release(EventBus bus) throws Exception {}

    /** What this backend can do; default: everything. */
    protected Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    /** How long to wait for a delivery. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(5);
    }

    /** How long to wait to be confident that nothing more arrives. */
    protected Duration quietPeriod() {
        return Duration.ofMillis(200);
    }

    private final List<EventBus> made = new ArrayList<>();
    private final String prefix = "contract." + Long.toHexString(System.nanoTime()) + ".";
    /** The bus under test, created by the subclass before each test. */
    protected EventBus bus;
    /** A second bus on the same backend (another node), or the same instance for an in-process bus. */
    protected EventBus peer;

    @BeforeEach
    void setUpBuses() throws Exception {
        bus = create();
        made.add(bus);
        peer = createPeer(bus);
        if (peer != bus) {
            made.add(peer);
        }
    }

    @AfterEach
    void tearDownBuses() throws Exception {
        for (EventBus b : made) {
            release(b);
        }
    }

    /** A topic name unique to this test run, so runs against a shared server never interfere. */
    protected String topic(String name) {
        return prefix + name;
    }

    private static final String MARKER = "__marker__";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Records what a handler receives; marker events (used to detect that a subscription is live) apart. */
    protected static final class Recorder implements dev.vicinity.core.spi.EventHandler {
        final List<byte[]> payloads = new CopyOnWriteArrayList<>();
        final List<String> texts = new CopyOnWriteArrayList<>();
        final AtomicInteger markers = new AtomicInteger();

        @Override
        public void onEvent(String topic, byte[] payload) {
            String text = new String(payload, StandardCharsets.UTF_8);
            if (MARKER.equals(text)) {
                markers.incrementAndGet();
                return;
            }
            payloads.add(payload);
            texts.add(text);
        }
    }

    /** Some brokers subscribe asynchronously: publish markers until one reaches {@code recorder}. */
    private void awaitSubscribed(EventBus publisher, String topic, Recorder recorder) {
        await().atMost(deliveryTimeout()).pollInterval(Duration.ofMillis(20)).until(() -> {
            publisher.publish(topic, bytes(MARKER));
            return recorder.markers.get() > 0;
        });
    }

    @Test
    void aHealthyBusReportsHealthy() {
        assertThat(bus.health().healthy()).isTrue();
        assertThat(bus.health().detail()).isNotBlank();
    }

    @Test
    void publishReachesASubscriberOnAnotherNodeWithTheExactBytes() {
        String t = topic("exact");
        Recorder r = new Recorder();
        peer.subscribe(t, r);
        awaitSubscribed(bus, t, r);
        byte[] binary = new byte[65_536];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        bus.publish(t, binary);
        await().atMost(deliveryTimeout()).until(() -> r.payloads.size() == 1);
        assertThat(r.payloads.get(0)).isEqualTo(binary);
    }

    @Test
    void everySubscriberOfATopicGetsEachEventAndOtherTopicsGetNothing() {
        String a = topic("a");
        String b = topic("b");
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Recorder other = new Recorder();
        bus.subscribe(a, first);
        peer.subscribe(a, second);
        peer.subscribe(b, other);
        awaitSubscribed(bus, a, first);
        awaitSubscribed(bus, a, second);
        awaitSubscribed(bus, b, other);
        for (int i = 0; i < 10; i++) {
            bus.publish(a, bytes("m" + i));
        }
        await().atMost(deliveryTimeout()).until(() -> first.texts.size() == 10 && second.texts.size() == 10);
        assertThat(first.texts).containsExactlyInAnyOrderElementsOf(second.texts);
        assertQuiet(() -> other.texts.isEmpty());
    }

    @Test
    void aClosedSubscriptionReceivesNothingMore() {
        String t = topic("closed");
        Recorder got = new Recorder();
        Recorder witness = new Recorder();
        Subscription s = peer.subscribe(t, got);
        peer.subscribe(t, witness);
        awaitSubscribed(bus, t, got);
        awaitSubscribed(bus, t, witness);
        assertThat(s.isActive()).isTrue();
        s.close();
        s.close(); // idempotent
        assertThat(s.isActive()).isFalse();
        assertThat(s.topic()).isEqualTo(t);
        bus.publish(t, bytes("after-close"));
        await().atMost(deliveryTimeout()).until(() -> witness.texts.contains("after-close"));
        assertQuiet(() -> got.texts.isEmpty());
    }

    @Test
    void aThrowingHandlerDoesNotStopOtherHandlersOrLaterEvents() {
        String t = topic("throwing");
        Recorder got = new Recorder();
        AtomicInteger thrown = new AtomicInteger();
        peer.subscribe(t, (topic, p) -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("handler failure (expected by the test)");
        });
        peer.subscribe(t, got);
        awaitSubscribed(bus, t, got);
        bus.publish(t, bytes("one"));
        bus.publish(t, bytes("two"));
        await().atMost(deliveryTimeout()).until(() -> got.texts.containsAll(List.of("one", "two")));
        assertThat(thrown.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void concurrentPublishersLoseNothingWhileHealthy() {
        String t = topic("concurrent");
        Recorder r = new Recorder();
        peer.subscribe(t, r);
        awaitSubscribed(bus, t, r);
        ConcurrencyFuzzer.threads(8).iterations(250).run((thread, i) -> bus.publish(t, bytes(thread + ":" + i)));
        await().atMost(deliveryTimeout()).until(() -> r.texts.size() == 8 * 250);
        assertThat(Set.copyOf(r.texts)).hasSize(8 * 250);
    }

    @Test
    void inMemoryDeliveryIsSynchronousWhenDeclared() {
        Assumptions.assumeTrue(capabilities().contains(Capability.SYNCHRONOUS_DELIVERY),
                "backend delivers asynchronously");
        String t = topic("sync");
        Recorder r = new Recorder();
        peer.subscribe(t, r);
        bus.publish(t, bytes("now"));
        assertThat(r.texts).containsExactly("now");
    }

    /** Asserts that {@code condition} holds now and keeps holding for {@link #quietPeriod()}. */
    protected void assertQuiet(java.util.concurrent.Callable<Boolean> condition) {
        if (quietPeriod().isZero()) {
            try {
                assertThat(condition.call()).isTrue();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return;
        }
        await().during(quietPeriod()).atMost(quietPeriod().plus(deliveryTimeout())).until(condition);
    }
}
