package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.EndReason;
import dev.vicinity.chat.MemberState;
import dev.vicinity.core.CloseCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * protocol/schema/ itself: every file is a valid draft 2020-12 schema with the right {@code $id}, the
 * indexes list every frame file, the enums are exactly the code's constants (error codes, close codes,
 * chat and member states, end reasons), and the schemas reject what the server refuses, so validation
 * in the other tests cannot pass vacuously.
 */
class ProtocolSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path schemaDir() {
        Path p = Path.of("../protocol/schema");
        return Files.isDirectory(p) ? p : Path.of("protocol/schema");
    }

    private static List<String> files() throws IOException {
        Path dir = schemaDir();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(f -> f.toString().endsWith(".json")).map(f -> dir.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    private static JsonNode file(String path) throws IOException {
        try (InputStream in = FrameSchemas.class.getClassLoader().getResourceAsStream("protocol/schema/" + path)) {
            assertThat(in).as(path).isNotNull();
            return JSON.readTree(in);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Test
    void everyFileIsADraft202012SchemaWithItsOwnIdAndLoads() throws Exception {
        var meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
        List<String> files = files();
        assertThat(files).hasSizeGreaterThan(40);
        for (String f : files) {
            JsonNode schema = file(f);
            assertThat(schema.path("$schema").asText()).as(f).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(schema.path("$id").asText()).as(f).isEqualTo(FrameSchemas.BASE + f);
            assertThat(meta.validate(schema)).as(f + " against the 2020-12 meta-schema").isEmpty();
            FrameSchemas.schema(f); // resolves every $ref
        }
    }

    @Test
    void theIndexesNameEveryFrameFileAndTheOkAnswersNameClientRequests() throws Exception {
        for (String side : List.of("client", "server")) {
            JsonNode index = file(side + "-frame.json");
            Set<String> listed = new TreeSet<>();
            index.path("properties").path("type").path("enum").forEach(t -> listed.add(t.asText()));
            Set<String> referenced = new TreeSet<>();
            index.path("allOf").forEach(c -> referenced.add(c.path("then").path("$ref").asText()));
            Set<String> present = new TreeSet<>();
            for (String f : files()) {
                if (f.startsWith(side + "/") && f.indexOf('/', side.length() + 1) < 0) {
                    present.add(f.substring(side.length() + 1, f.length() - ".json".length()));
                }
            }
            assertThat(listed).as(side + " index types").isEqualTo(present);
            assertThat(referenced).hasSize(present.size());
            for (String t : present) {
                assertThat(referenced).contains(side + "/" + t + ".json");
                assertThat(file(side + "/" + t + ".json").path("properties").path("type").path("const").asText()).isEqualTo(t);
            }
        }
        for (String f : files()) {
            if (f.startsWith("server/ok/")) {
                assertThat(FrameSchemas.exists("client/" + f.substring("server/ok/".length())))
                        .as(f + " answers a client request").isTrue();
            }
        }
    }

    private static Set<String> enumOf(String def) throws IOException {
        Set<String> values = new TreeSet<>();
        file("common.json").path("$defs").path(def).path("enum").forEach(v -> values.add(v.asText()));
        return values;
    }

    @Test
    void theEnumsAreExactlyTheCodesAndStatesOfTheCode() throws Exception {
        assertThat(enumOf("errorCode")).isEqualTo(ProtocolDocumentTest.emittedErrorCodes());
        Set<String> states = new TreeSet<>();
        for (ChatSessionState s : ChatSessionState.values()) {
            states.add(s.name());
        }
        assertThat(enumOf("chatState")).isEqualTo(states);
        Set<String> members = new TreeSet<>();
        for (MemberState s : MemberState.values()) {
            members.add(s.name());
        }
        assertThat(enumOf("memberState")).isEqualTo(members);
        Set<String> reasons = new TreeSet<>();
        for (EndReason r : EndReason.values()) {
            reasons.add(r.wireName());
        }
        assertThat(enumOf("endReason")).isEqualTo(reasons);
        TreeMap<Integer, String> closes = new TreeMap<>();
        file("common.json").path("$defs").path("closeCode").path("oneOf").forEach(c -> closes.put(
                c.path("properties").path("status").path("const").asInt(), c.path("properties").path("reason").path("const").asText()));
        TreeMap<Integer, String> actual = new TreeMap<>();
        for (CloseCode c : CloseCode.values()) {
            actual.put(c.websocketStatus(), c.wireName());
        }
        assertThat(closes).isEqualTo(actual);
        assertThat(FrameSchemas.errors("common.json#/$defs/closeCode", json("{\"status\":4200,\"reason\":\"replaced\"}")))
                .isEmpty();
        assertThat(FrameSchemas.errors("common.json#/$defs/closeCode", json("{\"status\":4200,\"reason\":\"kicked\"}")))
                .isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"error\",\"re\":\"1\",\"message\":\"no code\"}",
        "{\"type\":\"error\",\"re\":\"1\",\"code\":\"no_such_code\",\"message\":\"x\"}",
        "{\"type\":\"error\",\"re\":\"1\",\"code\":\"rate_limited\",\"message\":\"no retryAfterMs\"}",
        "{\"type\":\"error\",\"re\":\"1\",\"code\":\"invalid_field\",\"message\":\"x\",\"retryAfterMs\":5}",
        "{\"type\":\"error\",\"re\":\"1\",\"code\":\"rate_limited\",\"message\":\"x\",\"retryAfterMs\":0}",
        "{\"type\":\"ok\"}",
        "{\"type\":\"ok\",\"re\":null}",
        "{\"type\":\"pong\",\"re\":\"\"}",
        "{\"type\":\"surprise\",\"re\":\"1\"}",
        "{\"re\":\"1\"}",
        "{\"type\":\"chat.typing\",\"re\":\"1\",\"session\":\"S\",\"user\":\"bob\",\"until\":5}",
        "{\"type\":\"chat.typing\",\"session\":\"S\",\"user\":\"bob\"}",
        "{\"type\":\"chat.message\",\"session\":\"S\",\"seq\":0,\"from\":\"a\",\"clientId\":\"m\",\"text\":\"hi\",\"at\":1}",
        "{\"type\":\"chat.message\",\"session\":\"S\",\"seq\":1,\"from\":\"a\",\"clientId\":\"m\",\"text\":\"hi\",\"at\":1,\"replayed\":false}",
        "{\"type\":\"chat.session\",\"session\":\"S\",\"state\":\"ENDED\",\"inviter\":\"a\",\"version\":2,\"participants\":[]}",
        "{\"type\":\"chat.session\",\"session\":\"S\",\"state\":\"ACTIVE\",\"endReason\":\"left\",\"inviter\":\"a\",\"version\":2,\"participants\":[]}",
        "{\"type\":\"chat.session\",\"session\":\"S\",\"state\":\"active\",\"inviter\":\"a\",\"version\":2,\"participants\":[]}",
        "{\"type\":\"chat.session\",\"session\":\"S\",\"state\":\"ACTIVE\",\"inviter\":\"a\",\"version\":2,"
                + "\"participants\":[{\"user\":\"a\",\"state\":\"GONE\",\"lastRead\":0}]}",
        "{\"type\":\"chat.presence\",\"session\":\"S\",\"user\":\"b\",\"state\":\"offline\"}",
        "{\"type\":\"chat.resumed\",\"session\":\"S\",\"recovered\":true,\"code\":\"unknown_session\"}",
        "{\"type\":\"chat.resumed\",\"session\":\"S\",\"recovered\":true,\"top\":3}",
        "{\"type\":\"chat.resumed\",\"session\":\"S\",\"recovered\":false,\"top\":3}",
        "{\"type\":\"rating.revealed\",\"session\":\"S\",\"rater\":\"a\"}",
        "{\"type\":\"welcome\",\"re\":\"1\",\"v\":2,\"connection\":\"c\",\"user\":\"a\",\"device\":\"d\",\"resume\":\"t\","
                + "\"resumeWindowSeconds\":120,\"heartbeatSeconds\":10,\"limits\":{\"maxFrameBytes\":1,\"framesPerSecond\":1,"
                + "\"frameBurst\":1,\"maxConnectionsPerUser\":1,\"authTimeoutSeconds\":1}}",
        "{\"type\":\"welcome\",\"re\":\"1\",\"v\":1,\"connection\":\"c\",\"user\":\"a\",\"device\":\"d\",\"resume\":\"t\","
                + "\"resumeWindowSeconds\":120,\"heartbeatSeconds\":10,\"limits\":{\"maxFrameBytes\":1}}",
    })
    void theServerSchemaRefusesMalformedServerFrames(String frame) {
        assertThat(FrameSchemas.serverFrameErrors(json(frame))).as(frame).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"ping\"}",
        "{\"type\":\"ping\",\"id\":\"\"}",
        "{\"type\":\"ping\",\"id\":7}",
        "{\"type\":42,\"id\":\"x1\"}",
        "{\"type\":\"chat.explode\",\"id\":\"x2\"}",
        "{\"type\":\"hello\",\"id\":\"1\",\"v\":2,\"token\":\"t\",\"device\":\"d\"}",
        "{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"t\",\"device\":\"bad device\"}",
        "{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"device\":\"d\"}",
        "{\"type\":\"resume\",\"id\":\"1\",\"v\":1,\"resume\":\"T\",\"chat\":{\"sessions\":{\"S\":-1}}}",
        "{\"type\":\"geo.location\",\"id\":\"x4\",\"lat\":\"52.5\",\"lon\":13.4}",
        "{\"type\":\"geo.location\",\"id\":\"x6\",\"lat\":91,\"lon\":13.4}",
        "{\"type\":\"geo.location\",\"id\":\"x7\",\"lat\":52.5}",
        "{\"type\":\"geo.location\",\"id\":\"x8\",\"source\":\"gps\",\"lat\":52.5,\"lon\":13.4}",
        "{\"type\":\"geo.nearby\",\"id\":\"n\",\"radius\":0,\"limit\":10}",
        "{\"type\":\"geo.nearby\",\"id\":\"n\",\"radius\":500,\"limit\":101}",
        "{\"type\":\"chat.invite\",\"id\":\"i\",\"to\":[]}",
        "{\"type\":\"chat.invite\",\"id\":\"i\",\"to\":\"bob\"}",
        "{\"type\":\"chat.send\",\"id\":\"s\",\"session\":\"S\",\"clientId\":\"m-1\",\"text\":\"\"}",
        "{\"type\":\"chat.send\",\"id\":\"s\",\"session\":\"S\",\"text\":\"hi\"}",
        "{\"type\":\"chat.history\",\"id\":\"h\",\"session\":\"S\",\"after\":0,\"limit\":201}",
        "{\"type\":\"rating.submit\",\"id\":\"r\",\"session\":\"S\",\"ratee\":\"bob\",\"stars\":9}",
        "{\"type\":\"rating.submit\",\"id\":\"r\",\"session\":\"S\",\"ratee\":\"bob\",\"stars\":4,\"tags\":[1]}",
    })
    void theClientSchemaRefusesWhatTheServerRefusesAsABadFrame(String frame) {
        assertThat(FrameSchemas.clientFrameErrors(json(frame))).as(frame).isNotEmpty();
    }

    @Test
    void anOkIsCheckedAgainstTheAnswerSchemaOfItsRequest() {
        JsonNode ok = json("{\"type\":\"ok\",\"re\":\"5\",\"seq\":0}");
        assertThat(FrameSchemas.serverFrameErrors(ok)).isEmpty();
        assertThat(FrameSchemas.answerErrors("chat.send", ok)).isNotEmpty();
        assertThat(FrameSchemas.answerErrors("chat.send", json("{\"type\":\"ok\",\"re\":\"5\",\"seq\":1,\"duplicate\":false}")))
                .isEmpty();
        assertThat(FrameSchemas.answerErrors("geo.location", json("{\"type\":\"ok\",\"re\":\"5\",\"accepted\":false}")))
                .as("a refused fix says why").isNotEmpty();
    }

    @Test
    void theScriptedTransportRecordsAViolationInsteadOfThrowingIntoTheGateway() {
        ScriptedTransport t = new ScriptedTransport("t");
        t.expectAnswer(json("{\"type\":\"chat.send\",\"id\":\"r1\",\"session\":\"S\",\"clientId\":\"m\",\"text\":\"\"}"));
        t.send("{\"type\":\"ok\",\"re\":\"r1\",\"seq\":1,\"duplicate\":false}");
        t.send("{\"type\":\"chat.typing\",\"session\":\"S\",\"user\":\"bob\"}");
        List<String> seen = new ArrayList<>(t.violations);
        ScriptedTransport.VIOLATIONS.clear(); // this test's violations are deliberate
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).contains("client frame").contains("/text");
        assertThat(seen.get(1)).contains("server frame").contains("until");
    }
}
