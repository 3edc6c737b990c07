package dev.vicinity.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialInboxTest {

    @Test
    void aQueuedTaskThatThrowsAnErrorDoesNotStallTheInbox() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SerialInbox inbox = new SerialInbox(pool);
            List<Integer> ran = new ArrayList<>();
            inbox.submit(() -> ran.add(1));
            inbox.submit(() -> {
                throw new AssertionError("host code failed");
            });
            inbox.submit(() -> ran.add(3));
            pool.submit(() -> { }).get(5, TimeUnit.SECONDS); // the drain before this has finished
            inbox.submit(() -> ran.add(4));                    // a later submit is drained too
            pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
            synchronized (ran) {
                assertThat(ran).containsExactly(1, 3, 4);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runNowRethrowsWhatItsTaskThrewAndTheInboxGoesOn() {
        SerialInbox inbox = new SerialInbox(null);
        assertThatThrownBy(() -> inbox.runNow(() -> {
            throw new AssertionError("expected");
        })).isInstanceOf(AssertionError.class).hasMessage("expected");
        assertThatThrownBy(() -> inbox.runNow(() -> {
            throw new IllegalStateException("also");
        })).isInstanceOf(IllegalStateException.class);
        List<String> ran = new ArrayList<>();
        inbox.runNow(() -> ran.add("after"));
        assertThat(ran).containsExactly("after");
    }
}
