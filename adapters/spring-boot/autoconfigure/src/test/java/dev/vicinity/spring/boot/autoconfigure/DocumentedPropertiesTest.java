package dev.vicinity.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vicinity.core.NodeId;
import dev.vicinity.gateway.GatewayLimits;
import dev.vicinity.node.Backends;
import dev.vicinity.node.Vicinity;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

/** docs/spring-boot.md's properties table against the generated metadata and the library's defaults. */
class DocumentedPropertiesTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(vicinity\\.[a-z0-9.-]+)` \\| ([^|]*) \\|", Pattern.MULTILINE);

    private static Map<String, String> documented() throws Exception {
        String doc = Files.readString(Path.of("../../../docs/spring-boot.md"));
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(doc);
        while (m.find()) {
            rows.put(m.group(1), m.group(2).strip());
        }
        return rows;
    }

    @Test
    void theTableListsExactlyThePropertiesOfTheMetadata() throws Exception {
        Set<String> metadata = new TreeSet<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            root.path("properties").forEach(p -> metadata.add(p.path("name").asText()));
        }
        assertThat(metadata).hasSizeGreaterThan(40);
        assertThat(new TreeSet<>(documented().keySet())).isEqualTo(metadata);
    }

    @Test
    void documentedDefaultsAreTheLibrarys() throws Exception {
        Map<String, String> doc = documented();
        GatewayLimits limits = GatewayLimits.defaults();
        try (Vicinity v = Vicinity.builder(Backends.inMemory()).node(NodeId.of("n"))
                .authenticator((t, d) -> Optional.empty()).build()) {
            Map<String, Object> actual = new LinkedHashMap<>();
            actual.put("vicinity.gateway.max-frame-bytes", limits.maxFrameBytes());
            actual.put("vicinity.gateway.frames-per-second", limits.framesPerSecond());
            actual.put("vicinity.gateway.frame-burst", limits.frameBurst());
            actual.put("vicinity.gateway.max-connections-per-user", limits.maxConnectionsPerUser());
            actual.put("vicinity.gateway.max-outbound-in-flight", limits.maxOutboundInFlight());
            actual.put("vicinity.gateway.max-strikes", limits.maxStrikes());
            actual.put("vicinity.gateway.max-outbound-bytes", limits.maxOutboundBytes());
            actual.put("vicinity.gateway.max-node-outbound-bytes", limits.maxNodeOutboundBytes());
            actual.put("vicinity.presence.lease-ttl", v.presence().leaseTtl());
            actual.put("vicinity.matcher.max-radius-meters", v.matcher().maxRadiusMeters());
            actual.put("vicinity.chat.invite-timeout", v.chat().inviteTimeout());
            actual.put("vicinity.chat.idle-timeout", v.chat().idleTimeout());
            actual.put("vicinity.rating.window", v.ratings().ratingWindow());
            actual.put("vicinity.rating.count-once-per", v.ratings().countOncePer());
            actual.forEach((name, value) -> {
                String written = doc.get(name);
                if (value instanceof Duration d) {
                    assertThat(DurationStyle.detectAndParse(written)).as(name).isEqualTo(d);
                } else {
                    assertThat(Double.parseDouble(written)).as(name).isEqualTo(((Number) value).doubleValue());
                }
            });
        }
        VicinityProperties p = new VicinityProperties();
        assertThat(doc.get("vicinity.backend")).isEqualTo(p.getBackend().name().toLowerCase(java.util.Locale.ROOT));
        assertThat(doc.get("vicinity.websocket.path")).isEqualTo(p.getWebsocket().getPath());
        assertThat(doc.get("vicinity.h2gis.path")).isEqualTo(p.getH2gis().getPath());
        assertThat(doc.get("vicinity.redis.key-prefix")).isEqualTo(p.getRedis().getKeyPrefix());
        assertThat(doc.get("vicinity.websocket.send-threads")).isEqualTo(String.valueOf(p.getWebsocket().getSendThreads()));
    }
}
