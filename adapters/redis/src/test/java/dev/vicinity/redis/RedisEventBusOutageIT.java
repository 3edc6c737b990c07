package dev.vicinity.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.spi.BusHealth;
import dev.vicinity.testkit.TestServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stops a private {@code redis-server} (started by this test on a free loopback port, so the
 * machine's server is untouched) while two buses are connected, and starts it again: health turns
 * red then green, publishing during the outage neither throws nor buffers, and delivery resumes by
 * itself without recreating the buses.
 */
class RedisEventBusOutageIT {
    private Process server;
    private RedisClient client;
    private ClientResources resources;
    private final List<RedisEventBus> buses = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        buses.forEach(RedisEventBus::close);
        if (client != null) {
            client.shutdown();
        }
        if (resources != null) {
            resources.shutdown().get(5, TimeUnit.SECONDS);
        }
        stopServer();
    }

    @ParameterizedTest
    @EnumSource(value = RedisEventBus.Sharding.class, names = {"ON", "OFF"})
    void deliveryResumesByItselfAfterTheServerComesBack(RedisEventBus.Sharding sharding) throws Exception {
        int port = freePort();
        startServer(port);
        resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
        client = RedisClient.create(resources, RedisURI.create("127.0.0.1", port));
        List<BusHealth> healthChanges = new CopyOnWriteArrayList<>();
        VicinityListener listener = new VicinityListener() {
            @Override
            public void onBusHealthChanged(BusHealth health) {
                healthChanges.add(health);
            }
        };
        RedisEventBus publisher = RedisEventBus.builder(client).sharding(sharding).listener(listener).build();
        RedisEventBus subscriber = RedisEventBus.builder(client).sharding(sharding).build();
        buses.add(publisher);
        buses.add(subscriber);
        List<String> received = new CopyOnWriteArrayList<>();
        subscriber.subscribe("outage", (t, p) -> received.add(new String(p, StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            publisher.publish("outage", "before".getBytes(StandardCharsets.UTF_8));
            return received.contains("before");
        });

        stopServer();
        await().atMost(Duration.ofSeconds(10)).until(() -> !publisher.health().healthy() && !subscriber.health().healthy());
        long droppedBefore = publisher.droppedWhileDown();
        publisher.publish("outage", "during".getBytes(StandardCharsets.UTF_8)); // must not throw or block
        assertThat(publisher.droppedWhileDown()).isEqualTo(droppedBefore + 1);

        startServer(port);
        await().atMost(Duration.ofSeconds(15)).until(() -> publisher.health().healthy() && subscriber.health().healthy());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            publisher.publish("outage", "after".getBytes(StandardCharsets.UTF_8));
            return received.contains("after");
        });
        assertThat(received).doesNotContain("during");
        assertThat(healthChanges).extracting(BusHealth::healthy).containsSubsequence(false, true);
    }

    private void startServer(int port) throws IOException, InterruptedException {
        File redisServer = findRedisServer();
        server = new ProcessBuilder(redisServer.getPath(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroyForcibly(); // a crash, not a clean shutdown
            server.waitFor(10, TimeUnit.SECONDS);
            server = null;
        }
    }

    private static File findRedisServer() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f;
            }
        }
        TestServers.require("redis-server binary (to start a private server)", "127.0.0.1", 1,
                "install the Debian package redis-server");
        throw new IllegalStateException("unreachable");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theBusReportsWhichPubSubFlavourItUses() {
        TestServers.requireRedis();
        RedisClient shared = RedisClient.create(TestServers.redisUri());
        try (RedisEventBus auto = RedisEventBus.builder(shared).build()) {
            assertThat(auto.sharded()).isTrue(); // the machine runs Redis 7
            assertThat(auto.health().detail()).contains("sharded");
        } finally {
            shared.shutdown();
        }
    }
}
