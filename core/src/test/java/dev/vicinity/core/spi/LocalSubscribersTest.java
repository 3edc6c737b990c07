package dev.vicinity.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalSubscribersTest {

    @Test
    void first_and_last_subscriptions_of_a_topic_are_reported_once() {
        List<String> lastClosed = new ArrayList<>();
        LocalSubscribers subs = new LocalSubscribers(lastClosed::add);
        LocalSubscribers.Added a = subs.add("t", (topic, p) -> { });
        LocalSubscribers.Added b = subs.add("t", (topic, p) -> { });
        assertThat(a.first()).isTrue();
        assertThat(b.first()).isFalse();
        a.subscription().close();
        a.subscription().close();
        assertThat(lastClosed).isEmpty();
        assertThat(subs.has("t")).isTrue();
        b.subscription().close();
        assertThat(lastClosed).containsExactly("t");
        assertThat(subs.has("t")).isFalse();
        assertThat(subs.add("t", (topic, p) -> { }).first()).isTrue();
    }

    @Test
    void dispatch_isolates_a_throwing_handler_and_skips_closed_ones() {
        LocalSubscribers subs = new LocalSubscribers();
        List<String> got = new ArrayList<>();
        subs.add("t", (topic, p) -> {
            throw new IllegalStateException("handler bug (expected by the test)");
        });
        Subscription closed = subs.add("t", (topic, p) -> got.add("closed")).subscription();
        subs.add("t", (topic, p) -> got.add(new String(p)));
        closed.close();
        subs.dispatch("t", "x".getBytes());
        subs.dispatch("other", "y".getBytes());
        assertThat(got).containsExactly("x");
        assertThat(subs.count()).isEqualTo(2);
    }
}
