package dev.vicinity.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaultsAreTheEmbeddedDemoOn8080() {
        ServerConfig c = ServerConfig.parse(new String[0], Map.of());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.backend()).isEqualTo(ServerConfig.Backend.EMBEDDED);
        assertThat(c.node().value()).isEqualTo("node-1");
        assertThat(c.simulate()).isZero();
    }

    @Test
    void flagsWinOverEnvironment() {
        ServerConfig c = ServerConfig.parse(new String[] {"--port=9000", "--node-id", "b", "--simulate", "12"},
                Map.of("VICINITY_PORT", "7000", "VICINITY_NODE_ID", "a", "VICINITY_REDIS_PREFIX", "demo"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.node().value()).isEqualTo("b");
        assertThat(c.simulate()).isEqualTo(12);
        assertThat(c.redisPrefix()).isEqualTo("demo");
    }

    @Test
    void scaledOutModeNeedsBothUrls() {
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--backend", "postgres+redis",
                "--redis-url", "redis://127.0.0.1:6379"}, Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--pg-url");
        ServerConfig c = ServerConfig.parse(new String[] {"--backend", "postgres+redis"},
                Map.of("VICINITY_PG_URL", "jdbc:postgresql://h/db", "VICINITY_REDIS_URL", "redis://h",
                        "VICINITY_CURSOR_SECRET", "0123456789abcdef"));
        assertThat(c.backend()).isEqualTo(ServerConfig.Backend.POSTGRES_REDIS);
        // Several nodes must share the nearby cursor secret: without one the scaled-out mode is refused.
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--backend", "postgres+redis"},
                Map.of("VICINITY_PG_URL", "jdbc:postgresql://h/db", "VICINITY_REDIS_URL", "redis://h")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--cursor-secret");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--cursor-secret", "short"}, Map.of()))
                .hasMessageContaining("at least 16");
    }

    @Test
    void badInputIsATypedErrorNamingTheFlag() {
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port", "eighty"}, Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--port");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--nope", "1"}, Map.of()))
                .hasMessageContaining("unknown flag --nope");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--backend", "mongo"}, Map.of()))
                .hasMessageContaining("--backend");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--center", "95,1"}, Map.of()))
                .hasMessageContaining("--center");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port"}, Map.of()))
                .hasMessageContaining("needs a value");
    }

    @Test
    void timingsAndGuardsHaveDefaultsAndAcceptUnits() {
        ServerConfig d = ServerConfig.parse(new String[0], Map.of());
        assertThat(d.timings().authDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.timings().heartbeat()).as("a third of the 30 s lease TTL").isEqualTo(Duration.ofSeconds(10));
        assertThat(d.timings().resumeWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.timings().locationMaxAge()).isEqualTo(Duration.ofMinutes(30));
        assertThat(d.timings().inviteTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.timings().ratingWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(d.guards().backendTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.guards().headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.guards().maxConnectionsPerAddress()).isEqualTo(1000);
        ServerConfig c = ServerConfig.parse(new String[] {"--lease-ttl", "1m", "--heartbeat", "20",
                "--auth-deadline", "1500ms", "--resume-window", "5m", "--location-max-age", "1h",
                "--invite-timeout", "45s", "--rating-window", "2d", "--backend-timeout", "750ms",
                "--header-timeout", "3s", "--max-connections-per-address", "0"},
                Map.of("VICINITY_RATING_WINDOW", "1d"));
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.timings()).isEqualTo(new ServerConfig.Timings(Duration.ofMillis(1500), Duration.ofSeconds(20),
                Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofSeconds(45), Duration.ofDays(2)));
        assertThat(c.guards()).isEqualTo(new ServerConfig.Guards(Duration.ofMillis(750), Duration.ofSeconds(3), 0));
        assertThat(ServerConfig.parse(new String[] {"--lease-ttl", "3"}, Map.of()).timings().heartbeat())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void timingsThatContradictEachOtherAreRefusedWithTheFlagsNamed() {
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--heartbeat", "15"}, Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--heartbeat 15s is more than a third of --lease-ttl 30s")
                .hasMessageContaining("use --heartbeat 10s or less");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--lease-ttl", "6", "--heartbeat", "3"}, Map.of()))
                .hasMessageContaining("--lease-ttl 6s");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--heartbeat", "5", "--resume-window", "2"},
                Map.of())).hasMessageContaining("--resume-window 2s is shorter than --heartbeat 5s");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--auth-deadline", "0"}, Map.of()))
                .hasMessageContaining("--auth-deadline must be within 1s..10m, got 0s");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--backend-timeout", "2 s"}, Map.of()))
                .hasMessageContaining("--backend-timeout must be a duration");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--max-connections-per-address", "-1"}, Map.of()))
                .hasMessageContaining("--max-connections-per-address");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--lease-ttl", "0"}, Map.of()))
                .hasMessageContaining("--lease-ttl");
    }

    /** The command line: a bad combination prints the reason and the usage and exits with status 2. */
    @Test
    void theServerRefusesABadCombinationWithANonZeroExit() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                VicinityServer.class.getName(), "--backend", "memory", "--lease-ttl", "9", "--heartbeat", "4")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("--heartbeat 4s is more than a third of --lease-ttl 9s").contains("Usage:");
    }
}
