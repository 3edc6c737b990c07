package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.RateLimit;
import dev.vicinity.gateway.GatewayHarness.Client;
import dev.vicinity.gateway.GatewayHarness.Node;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Churn soak (reliability): 100,000 connect / detach / resume / close cycles with random timing
 * against one node, then everything ends. Afterwards: zero leases, zero connections, zero resume
 * tokens, zero chat attachments or bus subscriptions beyond the node's own, and the heap after GC
 * back within a few MB of where it started.
 */
class GatewayChurnSoakTest {
    private static final int CYCLES = Integer.getInteger("vicinity.soak.cycles", 100_000);

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc(); // a full, synchronous collection; repeated so finalised garbage goes too
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void oneHundredThousandCyclesLeaveNoGhostsAndNoHeapGrowth() {
        GatewayHarness h = new GatewayHarness();
        h.limits = GatewayLimits.builder().frameRate(RateLimit.perSecond(1e9, 1_000_000_000)).build();
        Node node = h.node("A");
        int baselineSubscriptions = h.bus.subscriptionCount();
        SplittableRandom random = new SplittableRandom(42);
        churn(h, node, random, 2_000); // warm up code paths and caches before the baseline
        finish(h, node);
        long before = usedHeapAfterGc();

        Map<String, String> tokens = churn(h, node, random, CYCLES);
        assertThat(tokens).isNotEmpty();
        finish(h, node);

        assertThat(h.presenceStore.leaseCount()).as("ghost leases").isZero();
        assertThat(node.gateway.connections().connections()).as("connections").isEmpty();
        assertThat(h.resumeStore.size()).as("resume tokens").isZero();
        assertThat(node.chat.service().attachedUserCount()).as("chat attachments").isZero();
        assertThat(node.chat.service().localSessionCount()).as("chat session subscriptions").isZero();
        assertThat(h.bus.subscriptionCount()).as("bus subscriptions").isEqualTo(baselineSubscriptions);
        long after = usedHeapAfterGc();
        assertThat(after - before).as("heap growth in bytes (before %d, after %d)", before, after)
                .isLessThan(8L * 1024 * 1024);
    }

    /** Random churn; returns the live resume tokens by client name at the end. */
    private static Map<String, String> churn(GatewayHarness h, Node node, SplittableRandom random, int cycles) {
        List<Client> open = new ArrayList<>();
        Map<Client, String> tokenOf = new HashMap<>();
        List<Client> detached = new ArrayList<>();
        Map<String, String> result = new HashMap<>();
        for (int i = 0; i < cycles; i++) {
            int op = random.nextInt(10);
            if (op < 4 || open.isEmpty()) {
                int user = random.nextInt(500);
                Client c = node.connect("c" + i);
                String token = c.hello("u" + user, "d" + random.nextInt(3)).path("resume").asText();
                if (!c.transport.isClosed()) {
                    open.add(c);
                    tokenOf.put(c, token);
                }
            } else if (op < 6) {
                Client c = open.remove(random.nextInt(open.size()));
                node.gateway.onClosed(c.connection, 1006, "lost");
                detached.add(c);
            } else if (op < 8 && !detached.isEmpty()) {
                Client old = detached.remove(random.nextInt(detached.size()));
                Client c = node.connect("r" + i);
                var reply = c.request("resume", "v", 1, "resume", tokenOf.remove(old));
                if ("resumed".equals(reply.path("type").asText())) {
                    open.add(c);
                    tokenOf.put(c, reply.path("resume").asText());
                } else {
                    node.gateway.onClosed(c.connection, 1000, "refused");
                }
            } else if (op < 9) {
                Client c = open.remove(random.nextInt(open.size()));
                node.gateway.onClosed(c.connection, 1000, "bye");
                tokenOf.remove(c);
            } else {
                h.clock.advance(Duration.ofMillis(random.nextInt(2_000)));
                node.tick();
            }
            open.removeIf(c -> c.transport.isClosed()); // replaced by a newer connection of its device
        }
        tokenOf.forEach((c, t) -> result.put(c.transport.name, t));
        for (Client c : open) {
            node.gateway.onClosed(c.connection, 1000, "end");
        }
        return result;
    }

    /** Lets every window pass: resume windows, lease TTLs, grace periods. */
    private static void finish(GatewayHarness h, Node node) {
        for (int s = 0; s < 200; s++) {
            h.clock.advance(Duration.ofSeconds(1));
            node.tick();
        }
    }
}
