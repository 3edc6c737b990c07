package dev.vicinity.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.InvalidInputException;
import java.util.Map;
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
                Map.of("VICINITY_PG_URL", "jdbc:postgresql://h/db", "VICINITY_REDIS_URL", "redis://h"));
        assertThat(c.backend()).isEqualTo(ServerConfig.Backend.POSTGRES_REDIS);
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
}
