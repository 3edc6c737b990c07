package dev.vicinity.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalSubscribersTest {

    @Test
    void firstAndLastSubscriptionsOfATopicAreReportedOnce() {
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
    void dispatchIsolatesAThrowingHandlerAndSkipsClosedOnes() {
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
