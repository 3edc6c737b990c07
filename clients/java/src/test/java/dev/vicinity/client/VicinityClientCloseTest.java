package dev.vicinity.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** close() and the client's thread (docs/clients.md: "close() ends the client's own thread"). */
class VicinityClientCloseTest {
    /** A socket that never opens: the client stays CONNECTING until closed. */
    private static final ClientTransport.Factory SILENT = (uri, listener) -> new ClientTransport() {
        @Override
        public boolean send(String text) {
            return false;
        }

        @Override
        public void close(int code, String reason) {}
    };

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private static VicinityClientBuilder builder(String device) {
        return VicinityClient.builder(() -> URI.create("ws://test/ws"), () -> "demo:alice", device).transport(SILENT);
    }

    @Test
    void closeEndsTheThreadOfTheDefaultScheduler() {
        String device = "close-" + UUID.randomUUID();
        VicinityClient client = builder(device).build();
        client.connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.state().status() == ConnectionState.Status.CONNECTING);
        assertThat(threadAlive("vicinity-client-" + device)).isTrue();

        client.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> !threadAlive("vicinity-client-" + device));
        assertThat(client.state().status()).isEqualTo(ConnectionState.Status.STOPPED);
        client.connect(); // the thread is gone: the client stays stopped
        assertThat(client.state().status()).isEqualTo(ConnectionState.Status.STOPPED);
        assertThat(threadAlive("vicinity-client-" + device)).isFalse();
    }

    @Test
    void closeLeavesAGivenSchedulerRunning() throws Exception {
        ExecutorScheduler mine = new ExecutorScheduler("mine-" + UUID.randomUUID());
        try {
            VicinityClient client = builder("given").scheduler(mine).build();
            client.connect();
            client.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> client.state().status() == ConnectionState.Status.STOPPED);
            CompletableFuture<String> ran = new CompletableFuture<>();
            mine.execute(() -> ran.complete("still running"));
            assertThat(ran.get(5, TimeUnit.SECONDS)).isEqualTo("still running");
        } finally {
            mine.shutdown();
        }
    }
}
